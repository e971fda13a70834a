"""Check-ins and the red-flag alerts a check-in raises (what happens to them next:
``alerts``, ``escalation``); questionnaires are ``questionnaires``.

A check-in, its red-flag alerts, the queued emails to the leads and, where the task queue
can hold a task until then, the alerts' escalation are committed together or not at all
(``jobs.handoff``); the form's one-time key makes a retried check-in return the one already
stored, with no second alert or email (``submissions``). What the patient sees when saving
fails is the view's business: urgent advice first (``views.my.check_in``).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Patient
from core.compiled_sql import CompiledRows
from jobs.handoff import enqueue_in_transaction

from ..charts import TREND_WINDOW, Span, TrendChart, TrendPoint, pain_trend
from ..models import ActivityOutcome, ActivityReport, CheckIn, RedFlag, RedFlagAlert
from ..tasks import send_red_flag_alert_email
from .errors import PortalAccessDenied, PortalActionError
from .escalation import schedule_escalation
from .flares import chart_spans
from .patients import current_exercises, current_plans_for_patient
from .submissions import Submission, store_once


def record_check_in(
    patient: Patient,
    user,
    *,
    pain_score: int,
    activity_outcomes: Mapping[int, str] | None = None,
    note: str = "",
    red_flags: Iterable[str] = (),
    submission_key: uuid.UUID | None = None,
) -> CheckIn:
    """Save the patient's check-in. Any red flag raises an alert on each current plan and
    queues an email to that plan's lead and the alerts' escalation for when they fall due
    (``escalation.schedule_escalation``), in the same transaction (``jobs.handoff``).

    ``submission_key``: the check-in form's one-time key; sent again, the check-in stored
    the first time is returned (``submissions``)."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only check in for themselves.")
    if not 0 <= pain_score <= 10:
        raise PortalActionError("Pain must be a number from 0 to 10.")
    reported = set(red_flags)
    if reported - set(RedFlag.values):
        raise PortalActionError("Unknown red-flag symptom.")
    flags = [flag for flag in RedFlag.values if flag in reported]
    outcomes = dict(activity_outcomes or {})
    if set(outcomes.values()) - set(ActivityOutcome.values):
        raise PortalActionError("Say whether each exercise was done, partly done or not done.")
    exercise_ids = set(current_exercises(patient).values_list("pk", flat=True))
    if set(outcomes) - exercise_ids:
        raise PortalActionError("One of the exercises is not on your current plan.")
    note = note.strip()
    submission = Submission.of(
        submission_key,
        {
            "pain_score": pain_score,
            "red_flags": flags,
            "activity_outcomes": sorted(outcomes.items()),
            "note": note,
        },
    )

    def store() -> CheckIn:
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                patient=patient,
                recorded_at=timezone.now(),
                pain_score=pain_score,
                note=note,
                red_flags=flags,
                **submission.fields(),
            )
            plans = list(current_plans_for_patient(patient))
            check_in.plans.set(plans)
            ActivityReport.objects.bulk_create(
                ActivityReport(check_in=check_in, activity_id=activity_id, outcome=outcome)
                for activity_id, outcome in outcomes.items()
            )
            record_event(
                user,
                AuditAction.CREATED,
                check_in,
                patient=patient,
                detail={"pain_score": pain_score, "red_flags": flags},
            )
            if flags:
                _raise_alerts(check_in, user, plans)
        return check_in

    return store_once(patient.check_ins.all(), submission, user, store, patient=patient)


def _raise_alerts(check_in: CheckIn, user, plans: Iterable[CarePlan]) -> list[RedFlagAlert]:
    alerts = []
    for plan in plans:
        alert = RedFlagAlert.objects.create(plan=plan, check_in=check_in, flags=check_in.red_flags)
        record_event(
            user,
            AuditAction.CREATED,
            alert,
            plan=plan,
            detail={"red_flags": check_in.red_flags},
        )
        enqueue_in_transaction(send_red_flag_alert_email, alert.pk)
        alerts.append(alert)
    schedule_escalation(alerts)
    return alerts


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def pain_chart(
    patient: Patient | int, *, shared_with: CarePlan | None = None, chart_id: str = "pain-trend"
) -> TrendChart:
    """The patient's pain scores over the last months (``TREND_WINDOW``), their flares
    shaded; with ``shared_with``, only those shared with that plan (what its team may
    see)."""
    # The local day comes from the database (the current time zone's), not row by row here.
    points = (
        trend_window_check_ins(patient, shared_with=shared_with)
        .annotate(day=TruncDate("recorded_at"))
        .values_list("day", "pain_score")
    )
    return pain_trend(
        (TrendPoint(day, score) for day, score in points),
        chart_id=chart_id,
        flares=chart_spans(patient, shared_with=shared_with),
    )


def trend_window_check_ins(
    patient: Patient | int,
    *,
    shared_with: CarePlan | int | None = None,
    since: datetime.datetime | None = None,
) -> QuerySet[CheckIn]:
    """The check-ins a pain chart draws, newest first: those of the last months (since
    ``since``, else ``TREND_WINDOW`` ago), with ``shared_with`` only those shared with
    that plan."""
    rows = CheckIn.objects.filter(
        patient=patient, recorded_at__gte=since or timezone.now() - TREND_WINDOW
    )
    if shared_with is not None:
        rows = rows.filter(plans=shared_with)
    return rows.order_by("-recorded_at", "-pk")


def shared_trend_check_ins(plan: CarePlan) -> list[CheckIn]:
    """``trend_window_check_ins`` of the plan's patient shared with the plan: what its
    team's pain chart draws (every plan page reads it: compiled once)."""
    return _SHARED_TREND.rows(plan.patient_id, plan.pk, at=timezone.now() - TREND_WINDOW)


_SHARED_TREND = CompiledRows(
    "the check-ins a plan's pain chart draws",
    lambda patient_id, plan_id, *, at: trend_window_check_ins(
        patient_id, shared_with=plan_id, since=at
    ),
    ids=2,
    at=True,
)


def pain_chart_of(
    check_ins: Iterable[CheckIn], *, chart_id: str, flares: Iterable[Span] = ()
) -> TrendChart:
    """The pain chart of check-ins already read (``trend_window_check_ins``)."""
    return pain_trend(
        (TrendPoint(_local_date(row.recorded_at), row.pain_score) for row in check_ins),
        chart_id=chart_id,
        flares=flares,
    )
