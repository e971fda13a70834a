"""Check-ins, the Oswestry questionnaire and red-flag alerts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Patient
from careteam.policy import PlanAction, plans_where
from careteam.services import change_guarded, require

from ..charts import TrendChart, TrendPoint, odi_trend, pain_trend
from ..models import ActivityOutcome, ActivityReport, CheckIn, OdiResponse, RedFlag, RedFlagAlert
from ..odi import score_odi
from ..tasks import send_red_flag_alert_email
from .errors import PortalAccessDenied, PortalActionError
from .patients import current_exercises, current_plans_for_patient

TREND_WINDOW = datetime.timedelta(weeks=26)


def record_check_in(
    patient: Patient,
    user,
    *,
    pain_score: int,
    activity_outcomes: Mapping[int, str] | None = None,
    note: str = "",
    red_flags: Iterable[str] = (),
) -> CheckIn:
    """Save the patient's check-in. Any red flag raises an alert on each current plan and
    emails that plan's lead (in the background)."""
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
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            patient=patient,
            recorded_at=timezone.now(),
            pain_score=pain_score,
            note=note.strip(),
            red_flags=flags,
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
        transaction.on_commit(partial(send_red_flag_alert_email.enqueue, alert.pk))
        alerts.append(alert)
    return alerts


def record_odi(patient: Patient, user, answers: Mapping[str, int | None]) -> OdiResponse:
    """Score and keep a completed Oswestry questionnaire (raises OdiScoringError)."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only answer for themselves.")
    result = score_odi(answers)
    with transaction.atomic():
        response = OdiResponse.objects.create(
            patient=patient,
            completed_at=timezone.now(),
            answers=dict(answers),
            score=result.score,
            answered_sections=result.answered_sections,
        )
        response.plans.set(list(current_plans_for_patient(patient)))
        record_event(
            user, AuditAction.CREATED, response, patient=patient, detail={"score": result.score}
        )
    return response


def open_alerts_for_user(user) -> QuerySet[RedFlagAlert]:
    """Unacknowledged red-flag alerts on every plan whose team ``user`` is on."""
    return (
        RedFlagAlert.objects.filter(
            plan__in=plans_where(user, PlanAction.VIEW), acknowledged_at__isnull=True
        )
        .select_related("plan__patient", "check_in")
        .order_by("-created_at", "-pk")
    )


def open_alerts_for_plan(plan: CarePlan) -> QuerySet[RedFlagAlert]:
    return (
        RedFlagAlert.objects.filter(plan=plan, acknowledged_at__isnull=True)
        .select_related("check_in")
        .order_by("-created_at", "-pk")
    )


def acknowledge_alert(alert: RedFlagAlert, actor) -> RedFlagAlert:
    """A team member has seen the alert and is acting on it. The first acknowledgement
    counts; a second one changes nothing."""
    action = PlanAction.ACKNOWLEDGE_ALERT
    require(actor, action, alert.plan, obj=alert)
    with change_guarded(actor, action, alert.plan, obj=alert):
        now = timezone.now()
        acknowledged = RedFlagAlert.objects.filter(
            pk=alert.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=actor)
        if not acknowledged:
            alert.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
            return alert
        alert.acknowledged_at, alert.acknowledged_by = now, actor
        record_event(
            actor,
            AuditAction.CHANGED,
            alert,
            plan=alert.plan,
            detail={"changes": {"acknowledged_at": [None, now]}},
        )
    return alert


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def pain_chart(
    patient: Patient | int, *, shared_with: CarePlan | None = None, chart_id: str = "pain-trend"
) -> TrendChart:
    """The patient's pain scores over the last months; with ``shared_with``, only those
    shared with that plan (what its team may see)."""
    since = timezone.now() - TREND_WINDOW
    rows = CheckIn.objects.filter(patient=patient, recorded_at__gte=since)
    if shared_with is not None:
        rows = rows.filter(plans=shared_with)
    points = rows.values_list("recorded_at", "pain_score")
    return pain_trend(
        (TrendPoint(_local_date(at), score) for at, score in points), chart_id=chart_id
    )


def odi_chart(
    patient: Patient | int, *, shared_with: CarePlan | None = None, chart_id: str = "odi-trend"
) -> TrendChart:
    """The patient's ODI scores; with ``shared_with``, only those shared with that plan."""
    rows = OdiResponse.objects.filter(patient=patient)
    if shared_with is not None:
        rows = rows.filter(plans=shared_with)
    points = rows.values_list("completed_at", "score")
    return odi_trend(
        (TrendPoint(_local_date(at), score) for at, score in points), chart_id=chart_id
    )
