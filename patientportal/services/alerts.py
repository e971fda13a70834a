"""Alerts after they are raised (red flags: ``checkins``; a questionnaire's:
``questionnaire_alerts``): the ones waiting on a user's teams and on a plan, and closing one
by saying what was done. Every read takes the alert's source with it (one join), so a page
can name what each alert is about (``RedFlagAlert.flag_labels``).

Acknowledging is a plan action (``PlanAction.ACKNOWLEDGE_ALERT``, any member of the plan's
team) on the one write path of ``careteam.services``: the policy asked before validating
and again with the actor's membership row locked (``require``, ``change_guarded``), then
one ``UPDATE ... WHERE acknowledged_at IS NULL``: the open state is the version an
acknowledgement is made against, so the first one counts and a second, made from a page
that still showed the alert open, is refused with who closed it and how (nothing is
overwritten). The outcome and its note are kept on the alert and in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan
from careteam.policy import PlanAction, plans_where
from careteam.services import change_guarded, require
from core.compiled_sql import CompiledRows

from ..models import RedFlagAlert
from .errors import PortalActionError

# How many closed alerts a plan's page lists.
CLOSED_ON_PLAN_PAGE = 10
OUTCOME_REQUIRED = "Say what was done."


class AlertAlreadyAcknowledged(PortalActionError):
    """Someone else closed the alert first; nothing was changed. ``alert`` is as it is now."""

    def __init__(self, alert: RedFlagAlert):
        self.alert = alert
        who = alert.acknowledged_by
        name = (who.get_full_name() or who.get_username()) if who is not None else "someone"
        when = date_format(timezone.localtime(alert.acknowledged_at), "j M Y, H:i")
        outcome = f" ({alert.get_outcome_display().lower()})" if alert.outcome else ""
        super().__init__(
            f"{name} acknowledged this alert first, on {when}{outcome}. Nothing was changed: "
            "add what you did as a team note."
        )


def open_alerts_for_user(user) -> QuerySet[RedFlagAlert]:
    """Unacknowledged red-flag alerts on every plan whose team ``user`` is on."""
    return (
        RedFlagAlert.objects.filter(
            plan__in=plans_where(user, PlanAction.VIEW), acknowledged_at__isnull=True
        )
        .select_related("plan__patient", "check_in", "questionnaire_result")
        .order_by("-created_at", "-pk")
    )


def open_alerts_for_plan(plan: CarePlan) -> QuerySet[RedFlagAlert]:
    return (
        RedFlagAlert.objects.filter(plan=plan, acknowledged_at__isnull=True)
        .select_related("check_in", "questionnaire_result")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class PlanAlertLists:
    """A plan's open alerts (newest first, each with its check-in or questionnaire result)
    and its latest acknowledged ones (``CLOSED_ON_PLAN_PAGE``, newest first, with who
    acknowledged)."""

    open: list[RedFlagAlert]
    closed: list[RedFlagAlert]


def alerts_for_plan_page(plan: CarePlan) -> PlanAlertLists:
    """``open_alerts_for_plan`` and ``closed_alerts_for_plan`` together, in one query."""
    rows = _PLAN_PAGE_ALERTS.rows(plan.pk)
    return PlanAlertLists(
        open=sorted(
            (alert for alert in rows if alert.acknowledged_at is None),
            key=lambda alert: (alert.created_at, alert.pk),
            reverse=True,
        ),
        closed=sorted(
            (alert for alert in rows if alert.acknowledged_at is not None),
            key=lambda alert: (alert.acknowledged_at, alert.pk),
            reverse=True,
        ),
    )


def _plan_page_alerts(plan_id: int) -> QuerySet[RedFlagAlert]:
    latest_closed = closed_alerts_for_plan(plan_id).values("pk")
    return (
        RedFlagAlert.objects.filter(plan_id=plan_id)
        .filter(Q(acknowledged_at__isnull=True) | Q(pk__in=latest_closed))
        .select_related("check_in", "questionnaire_result", "acknowledged_by")
    )


# Every plan page reads them: compiled once.
_PLAN_PAGE_ALERTS = CompiledRows("a plan page's alerts", _plan_page_alerts)


def closed_alerts_for_plan(plan: CarePlan | int) -> QuerySet[RedFlagAlert]:
    """The plan's latest acknowledged alerts, with what was done, newest first."""
    return (
        RedFlagAlert.objects.filter(plan=plan, acknowledged_at__isnull=False)
        .select_related("acknowledged_by", "questionnaire_result")
        .order_by("-acknowledged_at", "-pk")[:CLOSED_ON_PLAN_PAGE]
    )


def _check_outcome(outcome: str, note: str) -> None:
    """The outcome is one of ``AlertOutcome`` and the note says why when it must
    (``RedFlagAlert.clean``); else ``ValidationError`` naming the field."""
    if not outcome:
        raise ValidationError({"outcome": OUTCOME_REQUIRED})
    candidate = RedFlagAlert(outcome=outcome, outcome_note=note)
    others = [
        field.name
        for field in RedFlagAlert._meta.concrete_fields
        if field.name not in ("outcome", "outcome_note")
    ]
    candidate.full_clean(exclude=others, validate_unique=False, validate_constraints=False)


def acknowledge_alert(alert: RedFlagAlert, actor, *, outcome: str, note: str = "") -> RedFlagAlert:
    """Close the alert: ``actor`` (on the plan's team) has acted on it, and says what was
    done (``AlertOutcome``) with an optional ``note``, required for "no action needed".

    Raises ``CareAccessDenied`` (recorded) for someone the policy refuses,
    ``ValidationError`` for a missing or unknown outcome or a missing note, and
    ``AlertAlreadyAcknowledged`` when someone else closed it first."""
    action = PlanAction.ACKNOWLEDGE_ALERT
    require(actor, action, alert.plan, obj=alert)
    note = note.strip()
    _check_outcome(outcome, note)
    with change_guarded(actor, action, alert.plan, obj=alert):
        now = timezone.now()
        acknowledged = RedFlagAlert.objects.filter(
            pk=alert.pk, acknowledged_at__isnull=True
        ).update(acknowledged_at=now, acknowledged_by=actor, outcome=outcome, outcome_note=note)
        if not acknowledged:
            raise AlertAlreadyAcknowledged(
                RedFlagAlert.objects.select_related("acknowledged_by").get(pk=alert.pk)
            )
        alert.acknowledged_at, alert.acknowledged_by = now, actor
        alert.outcome, alert.outcome_note = outcome, note
        record_event(
            actor,
            AuditAction.CHANGED,
            alert,
            plan=alert.plan,
            detail={
                "changes": {
                    "acknowledged_at": [None, now],
                    "outcome": ["", outcome],
                    "outcome_note": ["", note],
                }
            },
        )
    return alert
