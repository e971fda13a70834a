"""Who is reading /fhir/, which plans they may see, and the audit of what they read.

    reader = reader_for(request.user)       # api.services.readers: who asks, and
    plans = readable_plans(reader)          # the plans they may see, as the site allows
    plan = open_plan(reader, plan_id, what="fhir CarePlan")   # audited read, or 404
    record_search(reader, found, what="fhir Goal search")     # one INSERT

A patient (a login linked to a Patient) reads only their own plans and what /my/ shows
of them (``patientportal.services.patients``); anyone else reads what ``careteam.policy``
lets them see. Both are decided once, for the JSON API and FHIR alike, in
``api.services.readers``; this module adds what FHIR reads besides plans. Whoever asks for
something they may not see gets a 404 and a 'denied' audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from api.services.readers import Reader, readable_plan
from api.services.readers import record_read as record_plan_read
from audit.models import AuditAction
from audit.services import EventSpec, record_event, record_events
from careteam.models import CarePlan, EmergencyAccess
from careteam.services import record_plan_view

NOT_FOUND = "There is nothing here that you can see."


@dataclass(frozen=True)
class Found:
    """A resource a reader may see, and the plan through which they see it (None for a
    patient's own report that no plan of theirs was sent)."""

    resource: dict[str, Any]
    plan: CarePlan | None

    @property
    def address(self) -> str:
        return f"{self.resource['resourceType']}/{self.resource['id']}"


def refuse(reader: Reader, what: str, resource_id: str = "") -> Http404:
    """Record that ``reader`` was refused ``what`` and return the 404 to raise."""
    record_event(
        reader.user,
        AuditAction.DENIED,
        None,
        patient=reader.patient,
        detail={"what": what, "id": resource_id[:64], "reason": "not visible to the reader"},
    )
    return Http404(NOT_FOUND)


def open_plan(reader: Reader, plan_id: str, *, what: str) -> CarePlan:
    """One plan the reader may see, with its patient, its read audited; else 404 (denied)."""
    plan = readable_plan(reader, plan_id)  # audits a refusal
    record_plan_read(reader, plan, what=what)
    return plan


def record_read(reader: Reader, found: Found, *, what: str) -> None:
    """Audit one resource read (not a plan: ``open_plan`` does that)."""
    if reader.patient is None and found.plan is not None:
        record_plan_view(found.plan, reader.user, what=f"{what} {found.address}")
        return
    record_event(
        reader.user,
        AuditAction.VIEWED,
        found.plan,
        plan=found.plan,
        patient=reader.patient,
        detail={"what": what, "resources": [found.address]},
    )


def _by_plan(found: Iterable[Found]) -> dict[int, tuple[CarePlan, list[str]]]:
    grouped: dict[int, tuple[CarePlan, list[str]]] = {}
    for item in found:
        if item.plan is not None:
            grouped.setdefault(item.plan.pk, (item.plan, []))[1].append(item.address)
    return grouped


def record_search(reader: Reader, found: list[Found], *, what: str) -> None:
    """Audit a search or bundle in one INSERT: for a patient, one event naming what they
    read; for anyone else, one event on each plan whose records they read (marked with
    their emergency access where that is how they see it), or one saying they found none."""
    if reader.patient is not None:
        events = [
            EventSpec(
                AuditAction.VIEWED,
                reader.patient,
                patient=reader.patient,
                detail={"what": what, "resources": [item.address for item in found]},
            )
        ]
    else:
        grouped = _by_plan(found)
        emergency = dict(
            EmergencyAccess.objects.active()
            .filter(user=reader.user, plan_id__in=list(grouped))
            .values_list("plan_id", "pk")
            if grouped
            else ()
        )
        events = [
            EventSpec(
                AuditAction.VIEWED,
                plan,
                plan=plan,
                detail={"what": what, "resources": addresses}
                | ({"emergency_access": emergency[pk]} if pk in emergency else {}),
            )
            for pk, (plan, addresses) in grouped.items()
        ] or [EventSpec(AuditAction.VIEWED, detail={"what": what, "resources": []})]
    record_events(reader.user, events)
