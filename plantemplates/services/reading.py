"""A template's suggested reading, put on the new plan's reading list through the patient
portal's ``assign_reading``, which keeps its own rules: only an active or on-hold plan, a
published page whose medical review is in date, and never a page the plan's precautions
rule out without a person confirming it (a copy confirms nothing). What cannot be assigned
now is left for the team, with the reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from wagtail.models import Page

from careteam.models import CarePlan
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.errors import PortalActionError

from ..models import PlanTemplate

NO_PORTAL_LOGIN = "The patient has no portal login yet."


@dataclass(frozen=True)
class LeftReading:
    """A suggested page not assigned, and why."""

    page_id: int | None
    title: str
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"page_id": self.page_id, "title": self.title, "reason": self.reason}


@dataclass(frozen=True)
class ReadingOutcome:
    assigned: tuple[str, ...]
    left: tuple[LeftReading, ...]


def suggested_reading(template: PlanTemplate) -> list[tuple[Page | None, str]]:
    """(page, note) for every suggestion of every section, in order; a page since deleted
    or unpublished is kept as None (its title unknown)."""
    return [
        (reading["page"], reading["note"])
        for block in template.sections
        for reading in block.value["reading"]
    ]


def assign_suggested_reading(actor: User, plan: CarePlan, template: PlanTemplate) -> ReadingOutcome:
    """Assign each suggested page the patient may be given now; leave the rest (and say
    why). Called inside the copy's transaction, after the precautions are in place."""
    assigned: list[str] = []
    left: list[LeftReading] = []
    has_login = plan.patient.user_id is not None
    for page, note in suggested_reading(template):
        if page is None:
            left.append(LeftReading(None, "A page no longer published", "It is not published."))
            continue
        if not has_login:
            left.append(LeftReading(page.pk, page.title, NO_PORTAL_LOGIN))
            continue
        try:
            assign_reading(plan, actor, page, note=note)
        except PortalActionError as error:  # review expired, a contraindication, not active
            left.append(LeftReading(page.pk, page.title, str(error)))
        else:
            assigned.append(page.title)
    return ReadingOutcome(tuple(assigned), tuple(left))
