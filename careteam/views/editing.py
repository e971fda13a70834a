"""The shape every edit page shares: show the form, hand valid input to a service, and on
refusal re-render with the user's input kept — 400 for bad input, 409 for a stale version."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from careteam.services import record_plan_view
from careteam.services.errors import StaleVersionError

from .authorization import PlanAccess
from .forms_util import add_service_errors

FORM_TEMPLATE = "careteam/edit_form.html"
CONFIRM_TEMPLATE = "careteam/confirm.html"


def plan_url(access: PlanAccess, anchor: str = "") -> str:
    url = reverse("careteam:plan-detail", args=[access.plan.pk])
    return f"{url}#{anchor}" if anchor else url


def success_message_for(request: HttpRequest, message: str, url: str) -> None:
    """Say ``message`` on the page the redirect to ``url`` leads to: tagged with the part
    of the page it lands on (``#anchor``), the plan page shows it there, under the part's
    heading (``careteam_messages``); without one, at the top of the page."""
    messages.success(request, message, extra_tags=urlsplit(url).fragment)


def display_value(form: forms.Form, name: str, value: Any) -> str:
    """A stored value as the form's user would read it (choice labels, yes/no)."""
    field = form.fields.get(name)
    choices = dict(getattr(field, "choices", []) or []) if field is not None else {}
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value in (None, ""):
        return "—"
    return str(value)


def conflict_context(form: forms.Form, error: StaleVersionError) -> dict[str, Any]:
    """What the 409 page shows: who changed it, when, and the values it holds now."""
    current = [
        (form.fields[name].label or name, display_value(form, name, value))
        for name, value in error.current_values.items()
        if name in form.fields
    ]
    return {
        "conflict": {
            "message": str(error),
            "changed_by": error.changed_by,
            "changed_at": error.changed_at,
            "current_values": current,
            "deleted": error.current is None,
        }
    }


def rebase_on_current_version(form: forms.Form, error: StaleVersionError) -> None:
    """Keep the user's input but let a deliberate second save replace what they have now
    seen; a deleted object has no version to save against."""
    if error.current_version is None:
        return
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = str(error.current_version)


def handle_form(
    request: HttpRequest,
    access: PlanAccess,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    context: dict[str, Any],
    success_message: str,
    success_url: str,
    template: str = FORM_TEMPLATE,
) -> HttpResponse:
    """GET shows ``form``; POST calls ``save(cleaned_data)`` (which runs a service) and
    redirects, or re-renders with 400 (invalid, refused) or 409 (stale version)."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except StaleVersionError as error:
                context = {**context, **conflict_context(form, error)}
                rebase_on_current_version(form, error)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                success_message_for(request, success_message, success_url)
                return redirect(success_url)
        else:
            status = 400
    # Edit pages show the plan's data too (a 409 the values saved now): a read like any
    # other, whether first shown or shown again after a refused save.
    record_plan_view(access.plan, request.user, what=request.resolver_match.url_name)
    context = {
        "plan": access.plan,
        "access": access,
        "form": form,
        "cancel_url": plan_url(access),
        **context,
    }
    return render(request, template, context, status=status)


def without_version(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    fields = dict(data)
    return fields, fields.pop("version")
