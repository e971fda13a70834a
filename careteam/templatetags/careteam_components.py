"""The care team's page components that other apps' team pages show too, as template
tags, so that no other app names this app's templates:

- ``{% plan_breadcrumb plan %}``: the way back to the dashboard and to the plan;
- ``{% form_fields form %}``: a form's fields, with its problems above them.

``{% load careteam_components %}`` first."""

from __future__ import annotations

from typing import Any

from django import forms, template

from ..models import CarePlan

register = template.Library()


@register.inclusion_tag("careteam/includes/plan_header.html")
def plan_breadcrumb(plan: CarePlan) -> dict[str, Any]:
    return {"plan": plan}


@register.inclusion_tag("careteam/includes/form_fields.html")
def form_fields(form: forms.BaseForm) -> dict[str, Any]:
    return {"form": form}
