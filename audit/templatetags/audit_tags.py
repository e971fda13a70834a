"""Audit events in the words a clinician reads. In a template::

    {% load audit_tags %}
    {% for change in event|readable_changes %}
      {{ change.field }}: “{{ change.old }}” → “{{ change.new }}”
    {% endfor %}

A field's name reads as words ("read_at" → "Read at"), a stored date or time as a date in
the clinic's time zone, yes/no for true/false, and an empty value as "(empty)".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime

from audit.models import AuditEvent

register = template.Library()

EMPTY = "(empty)"


@dataclass(frozen=True)
class ReadableChange:
    field: str
    old: str
    new: str


def readable_value(value: Any) -> str:
    """One stored value of a change, as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        try:
            day = parse_date(value)  # first: a bare date would parse as midnight
            moment = None if day else parse_datetime(value)
        except ValueError:  # shaped like a date but not one ("2026-02-31")
            day = moment = None
        if day is not None:
            return date_format(day, "j M Y")
        if moment is not None:
            return date_format(localtime(moment) if is_aware(moment) else moment, "j M Y, H:i")
    return str(value)


@register.filter
def readable_changes(event: AuditEvent) -> list[ReadableChange]:
    """The event's changed fields, each with its old and new value in words."""
    return [
        ReadableChange(
            field=field.replace("_", " ").capitalize(),
            old=readable_value(pair[0]),
            new=readable_value(pair[1]),
        )
        for field, pair in event.changes.items()
    ]
