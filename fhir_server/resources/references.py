"""References between resources, and the ids of those made from the patient's reports."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

PAIN_PREFIX = "pain-"


def questionnaire_prefix(code: str) -> str:
    """A questionnaire result's ids start with its instrument's code: "odi-12", "phq9-40"."""
    return f"{code}-"


def reference(resource_type: str, resource_id: object, display: str = "") -> dict[str, str]:
    value = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        value["display"] = display
    return value


def patient_reference(patient_id: int) -> dict[str, str]:
    return reference("Patient", patient_id)


def instant(moment: datetime.datetime | None) -> str | None:
    """A FHIR dateTime/instant with its offset (in the clinic's time zone)."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def without_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None, "" or an empty list (FHIR forbids empty elements)."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def meta(version: int | None, updated: datetime.datetime | None) -> dict[str, str] | None:
    fields = {"versionId": str(version) if version else None, "lastUpdated": instant(updated)}
    return without_empty(fields) or None
