"""Keeping templates outside the admin (the demo seeder, tests): a new template saved as a
revision and published, exactly as "Publish" in /cms/ does it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from ..models import PlanTemplate


def publish_template(template: PlanTemplate, *, user: User | None = None) -> PlanTemplate:
    """Save ``template``'s current content as a revision and make it the live one."""
    if template.pk is None:
        template.live = False
        template.save()
    template.save_revision(user=user).publish(user=user)
    template.refresh_from_db()
    return template


def new_template(*, user: User | None = None, **fields: Any) -> PlanTemplate:
    """A template with ``fields`` (stream fields as lists of ``(block, value)``), published."""
    template = PlanTemplate(**fields)
    template.full_clean()
    return publish_template(template, user=user)
