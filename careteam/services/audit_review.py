"""The privacy officers' review of the whole audit trail (the page at /privacy/audit/).

Use ``review(officer, criteria)`` for the filtered events (``.events``, newest first, each
with ``patient_record_number`` and ``patient_name`` annotated); ``record_review`` records
each look (a page, a refused filter, an export); ``csv_rows`` streams the same events as CSV
rows. Only members of the "Privacy officers" group (``audit.privacy``) may review; anyone
else is refused with ``NotAPrivacyOfficer``, recorded as 'denied'.

A patient criterion finds every event about them: events carrying their id, events on any
of their plans, and dashboard views that listed one of their plans.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.privacy import is_privacy_officer
from audit.services import record_event

from ..models import CarePlan, Patient
from ..policy import Actor

REVIEW = "audit_review"
EXPORT = "audit_export"
CSV_HEADER = (
    "id",
    "occurred_at",
    "actor_username",
    "action",
    "object",
    "care_plan_id",
    "patient_record_number",
    "ip_address",
    "path",
    "detail",
    "chain_seq",
    "row_hash",
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class NotAPrivacyOfficer(Exception):
    """The user is not an active member of the "Privacy officers" group."""


@dataclass(frozen=True)
class ReviewCriteria:
    """What to look for; every field optional. Dates are local days, both included."""

    username: str = ""
    record_number: str = ""
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    def as_detail(self) -> dict[str, Any]:
        """The criteria as recorded in the review's own audit event (set ones only)."""
        return {name: str(value) for name, value in asdict(self).items() if value}


def require_privacy_officer(user: Actor, request: HttpRequest | None = None) -> None:
    """Pass, or record the refusal and raise ``NotAPrivacyOfficer``."""
    if not is_privacy_officer(user):
        record_event(
            user,
            AuditAction.DENIED,
            None,
            request=request,
            detail={"reason": "not a privacy officer", "area": REVIEW},
        )
        raise NotAPrivacyOfficer


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _patient_events(record_number: str) -> tuple[Q, list[int]]:
    """The filter for every event about the patient with this record number (any case),
    and the matching patients' ids (none: the filter matches nothing)."""
    patient_ids = list(
        Patient.objects.filter(record_number__iexact=record_number).values_list("pk", flat=True)
    )
    plan_ids = list(
        CarePlan.objects.filter(patient_id__in=patient_ids).values_list("pk", flat=True)
    )
    about = Q(patient_id__in=patient_ids) | Q(care_plan_id__in=plan_ids)
    for plan_id in plan_ids:
        about |= Q(pk__in=AuditEvent.objects.listing_plan(plan_id).values("pk"))
    return (about if patient_ids else Q(pk__in=[])), patient_ids


@dataclass(frozen=True)
class Review:
    """What ``review`` found: the events, and the ids of the patients a record number
    criterion matched (recorded with the review)."""

    events: QuerySet[AuditEvent]
    patient_ids: tuple[int, ...] = ()


def review(officer: Actor, criteria: ReviewCriteria, request: HttpRequest | None = None) -> Review:
    """The events matching ``criteria``, newest first, for a privacy officer."""
    require_privacy_officer(officer, request)
    events = AuditEvent.objects.select_related("actor")
    if criteria.username:
        events = events.filter(actor_username__iexact=criteria.username)
    if criteria.action:
        events = events.filter(action=criteria.action)
    if criteria.date_from:
        events = events.filter(occurred_at__gte=_start_of(criteria.date_from))
    if criteria.date_to:
        next_day = criteria.date_to + datetime.timedelta(days=1)
        events = events.filter(occurred_at__lt=_start_of(next_day))
    patient_ids: list[int] = []
    if criteria.record_number:
        about, patient_ids = _patient_events(criteria.record_number)
        events = events.filter(about)
    return Review(_with_patient(events).order_by("-occurred_at", "-pk"), tuple(patient_ids))


def _with_patient(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    """Annotate the record number and name of the event's patient (its own, else its
    plan's), in the same query."""
    own = Patient.objects.filter(pk=OuterRef("patient_id"))
    plans = CarePlan.objects.filter(pk=OuterRef("care_plan_id"))
    name = Concat(F("given_name"), Value(" "), F("family_name"), output_field=CharField())
    plan_name = Concat(
        F("patient__given_name"), Value(" "), F("patient__family_name"), output_field=CharField()
    )
    return events.annotate(
        patient_record_number=Coalesce(
            Subquery(own.values("record_number")[:1]),
            Subquery(plans.values("patient__record_number")[:1]),
        ),
        patient_name=Coalesce(
            Subquery(own.annotate(name=name).values("name")[:1]),
            Subquery(plans.annotate(name=plan_name).values("name")[:1]),
        ),
    )


def record_review(
    officer: Actor,
    criteria: ReviewCriteria | dict[str, str],
    found: Review | None = None,
    *,
    request: HttpRequest | None = None,
    what: str = REVIEW,
    page: int | None = None,
) -> AuditEvent:
    """Record one look at the trail: the criteria (as typed, when refused: ``found`` None),
    the page or the export, and for a search that matched one patient, their id, so it
    shows in that patient's trail too."""
    if isinstance(criteria, ReviewCriteria):
        criteria = criteria.as_detail()
    detail: dict[str, Any] = {"what": what, "criteria": criteria}
    if page is not None:
        detail["page_number"] = page
    if found is None:
        detail["refused_input"] = True
    patient_ids = found.patient_ids if found is not None else ()
    return record_event(
        officer,
        AuditAction.VIEWED,
        None,
        request=request,
        patient=patient_ids[0] if len(patient_ids) == 1 else None,
        detail=detail,
    )


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """The header, then one row per event (``CSV_HEADER``), read in chunks."""
    yield list(CSV_HEADER)
    for event in events.iterator(chunk_size=1000):
        yield [
            _cell(value)
            for value in (
                event.pk,
                event.occurred_at.isoformat(),
                event.actor_username,
                event.action,
                event.object_repr,
                event.care_plan_id,
                getattr(event, "patient_record_number", ""),
                event.ip_address,
                event.path,
                json.dumps(event.detail, sort_keys=True),
                event.chain_seq,
                event.row_hash,
            )
        ]
