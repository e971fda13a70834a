"""Flares: the patient says one has begun (and sees their flare plan at once) and later
that it is over; the team sees them on the pain chart, in the plan's portal panel, and on
the dashboard when they come often (``FLARE_FLAG_COUNT`` within ``FLARE_FLAG_DAYS``)."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import HOLDS_FLARE_PLAN, CarePlan, Patient
from careteam.policy import PlanAction, plans_where
from core.compiled_sql import CompiledRows

from ..charts import TREND_WINDOW, Span
from ..models import Flare
from .errors import PortalAccessDenied, PortalActionError
from .patients import current_plans_for_patient
from .submissions import Submission, store_once


@dataclass(frozen=True)
class FlaringPlan:
    """A plan whose patient has flared often lately (the dashboard's flag)."""

    plan: CarePlan
    flares: int  # started within the window
    days: int


def flag_window() -> datetime.timedelta:
    return datetime.timedelta(days=settings.FLARE_FLAG_DAYS)


def open_flare(patient: Patient) -> Flare | None:
    return patient.flares.filter(ended_at__isnull=True).first()


def start_flare(patient: Patient, user, *, submission_key: uuid.UUID | None = None) -> Flare:
    """Record that the patient's flare has begun, shared with their current plans; a flare
    already open is returned as it is (one flare at a time). ``submission_key``: the
    button's one-time key (a double click records one flare)."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only record their own flares.")
    submission = Submission.of(submission_key, {"flare": "started"})

    def store() -> Flare:
        already = open_flare(patient)
        if already is not None:
            return already
        try:
            with transaction.atomic():
                flare = Flare.objects.create(
                    patient=patient, started_at=timezone.now(), **submission.fields()
                )
                flare.plans.set(list(current_plans_for_patient(patient)))
                record_event(user, AuditAction.CREATED, flare, patient=patient)
        except IntegrityError:
            # Another tab opened one at the same moment: that one is the flare.
            already = open_flare(patient)
            if already is None:
                raise
            return already
        return flare

    return store_once(patient.flares.all(), submission, user, store, patient=patient)


def end_flare(patient: Patient, user) -> Flare:
    """Record that the patient's open flare is over."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only record their own flares.")
    with transaction.atomic():
        flare = patient.flares.select_for_update().filter(ended_at__isnull=True).first()
        if flare is None:
            raise PortalActionError("There is no flare going on to end.")
        flare.ended_at = timezone.now()
        flare.save(update_fields=["ended_at"])
        record_event(
            user,
            AuditAction.CHANGED,
            flare,
            patient=patient,
            detail={"changes": {"ended_at": [None, flare.ended_at]}},
        )
    return flare


def flare_plans(patient: Patient) -> list[CarePlan]:
    """The patient's current plans that hold a flare plan."""
    return list(current_plans_for_patient(patient).filter(HOLDS_FLARE_PLAN))


def chart_flares(
    patient: Patient | int,
    *,
    shared_with: CarePlan | int | None = None,
    since: datetime.datetime | None = None,
) -> QuerySet:
    """The flares a pain chart shades: those of its window (since ``since``, else
    ``TREND_WINDOW`` ago) and any still going on, oldest first; with ``shared_with``, only
    those shared with that plan."""
    since = since or timezone.now() - TREND_WINDOW
    rows = Flare.objects.filter(patient=patient).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=since) | Q(started_at__gte=since)
    )
    if shared_with is not None:
        rows = rows.filter(plans=shared_with)
    return rows.order_by("started_at", "pk")


def shared_chart_flares(plan: CarePlan) -> list[Flare]:
    """``chart_flares`` of the plan's patient shared with the plan: what its team's pain
    chart shades (every plan page reads them: compiled once)."""
    return _SHARED_FLARES.rows(plan.patient_id, plan.pk, at=timezone.now() - TREND_WINDOW)


_SHARED_FLARES = CompiledRows(
    "the flares a plan's pain chart shades",
    lambda patient_id, plan_id, *, at: chart_flares(patient_id, shared_with=plan_id, since=at),
    ids=2,
    at=True,
)


def spans_of(flares: list[Flare]) -> list[Span]:
    """Flares as the chart shades them, in local dates."""
    return [
        Span(
            timezone.localtime(flare.started_at).date(),
            timezone.localtime(flare.ended_at).date() if flare.ended_at else None,
        )
        for flare in flares
    ]


def chart_spans(patient: Patient | int, *, shared_with: CarePlan | None = None) -> list[Span]:
    return spans_of(list(chart_flares(patient, shared_with=shared_with)))


def recent_flare_count(flares: list[Flare], *, now: datetime.datetime | None = None) -> int:
    """How many of ``flares`` began within the flag window."""
    since = (now or timezone.now()) - flag_window()
    return sum(1 for flare in flares if flare.started_at >= since)


def plans_flaring_often(user) -> list[FlaringPlan]:
    """Plans ``user`` may view whose patient started at least ``FLARE_FLAG_COUNT`` flares
    (shared with the plan) within ``FLARE_FLAG_DAYS``, most flares first: one query."""
    since = timezone.now() - flag_window()
    plans = (
        plans_where(user, PlanAction.VIEW)
        .annotate(recent_flares=Count("flares", filter=Q(flares__started_at__gte=since)))
        .filter(recent_flares__gte=settings.FLARE_FLAG_COUNT)
        .select_related("patient")
        .order_by("-recent_flares", "patient__family_name", "pk")
    )
    return [FlaringPlan(plan, plan.recent_flares, settings.FLARE_FLAG_DAYS) for plan in plans]
