"""DocumentReference: an article the team assigned the patient to read, with where to
read it and whether they have."""

from __future__ import annotations

from typing import Any

from patientportal.models import ReadingAssignment

from .references import patient_reference

# DocumentReference.status (required binding, document-reference-status).
CURRENT = "current"


def reading_resource(
    assignment: ReadingAssignment, patient_id: int, site_url: str
) -> dict[str, Any]:
    """``site_url``: the site's address without a trailing slash, for the article's link."""
    attachment: dict[str, Any] = {"title": assignment.page_title, "contentType": "text/html"}
    if assignment.page is not None:
        attachment["url"] = site_url + assignment.page.url
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "id": f"reading-{assignment.pk}",
        "status": CURRENT,
        "description": "Reading assigned by the care team"
        + (f": {assignment.note}" if assignment.note else ""),
        "subject": patient_reference(patient_id),
        "date": assignment.assigned_at.isoformat(),
        "content": [{"attachment": attachment}],
    }
    if assignment.read_at is not None:
        resource["context"] = {"period": {"start": assignment.read_at.isoformat()}}
    return resource
