"""Escalating urgent alerts (red flags, a PHQ-9 self-harm answer) that nobody has
acknowledged.

An alert still open ``RED_FLAG_ESCALATE_AFTER_MINUTES`` after it was raised is escalated
once: ``escalated_at`` is set by an ``UPDATE`` that only an open, not yet escalated alert
passes (two sweeps at once escalate it once, and an acknowledgement that came first stops
it), the escalation is audited with whom it went to, and one email per recipient (every
active member of the plan's team with an email address, and the clinic's on-call address
``CLINIC_ON_CALL_EMAIL``) is handed to the urgent queue in that same transaction
(``jobs.handoff``). An email finds the alert acknowledged by the time it runs: it is not
sent (``tasks.send_red_flag_escalation_email``).

Two ways lead to ``escalate_overdue_alerts``, so that one failing does not lose an alert:

- ``schedule_escalation``: when alerts are raised, on a backend that can run a task later
  (the database queue of production), ``escalate_when_due`` is queued in their own
  transaction to run when they fall due; it is committed with them or not at all;
- ``manage.py escalate_alerts``, every minute from a timer (deploy/systemd) or cron: it
  catches what a lost task would miss, and in development, where the immediate backend
  cannot run a task later, it is the only way.

Either escalates every overdue alert, not only the one that queued it. ``escalate_when_due``
is declared here, beside the sweep it runs: ``tasks`` holds the emails that services hand
over, and a task there that ran a service would make an import loop.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, CareTeamMembership
from jobs.handoff import enqueue_in_transaction
from jobs.queues import URGENT_PRIORITY, URGENT_QUEUE
from jobs.retry import retried_task

from ..models import URGENT_KINDS, RedFlagAlert
from ..tasks import send_red_flag_escalation_email

logger = logging.getLogger(__name__)

# How the on-call address appears in the audit trail's list of recipients.
ON_CALL = "clinic on-call"


def escalation_delay() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.RED_FLAG_ESCALATE_AFTER_MINUTES)


def escalation_due_at(alert: RedFlagAlert) -> datetime.datetime:
    """When ``alert`` escalates if nobody has acknowledged it by then."""
    return alert.created_at + escalation_delay()


def overdue_alerts(now: datetime.datetime) -> QuerySet[RedFlagAlert]:
    """Open urgent alerts (``URGENT_KINDS``: a severe questionnaire score never escalates),
    not escalated yet, raised at least the escalation delay before ``now``."""
    return RedFlagAlert.objects.filter(
        kind__in=URGENT_KINDS,
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        created_at__lte=now - escalation_delay(),
    )


def escalation_recipients(plan: CarePlan | int) -> dict[str, str]:
    """Email address (lower-cased, each once) -> who it is, for the audit trail: every
    active member of the plan's team who has an address, then the on-call address."""
    members = (
        CareTeamMembership.objects.active()
        .filter(plan=plan, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    recipients = {member.user.email.lower(): member.user.get_username() for member in members}
    on_call = (settings.CLINIC_ON_CALL_EMAIL or "").strip()
    if on_call:
        recipients.setdefault(on_call.lower(), ON_CALL)
    return recipients


def _escalate(alert: RedFlagAlert, now: datetime.datetime) -> bool:
    """Escalate ``alert`` if it is still open and not escalated; whether it was."""
    with transaction.atomic():
        claimed = RedFlagAlert.objects.filter(
            pk=alert.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
        ).update(escalated_at=now)
        if not claimed:
            return False
        alert.escalated_at = now
        recipients = escalation_recipients(alert.plan_id)
        if not recipients:
            logger.error(
                "Red-flag alert %s is overdue and nobody can be emailed: its team has no "
                "addresses and CLINIC_ON_CALL_EMAIL is not set.",
                alert.pk,
            )
        record_event(
            None,
            AuditAction.CHANGED,
            alert,
            plan=alert.plan,
            detail={
                "changes": {"escalated_at": [None, now]},
                "reason": (
                    f"not acknowledged within {settings.RED_FLAG_ESCALATE_AFTER_MINUTES} minutes"
                ),
                "escalated_to": list(recipients.values()),
            },
        )
        for address in recipients:
            enqueue_in_transaction(send_red_flag_escalation_email, alert.pk, address)
    return True


def escalate_overdue_alerts(*, now: datetime.datetime | None = None) -> list[RedFlagAlert]:
    """Escalate every overdue alert (``overdue_alerts``), each in its own transaction, and
    return those escalated by this call. Idempotent: an alert escalates once, whoever runs
    this and however often."""
    now = now or timezone.now()
    overdue = overdue_alerts(now).select_related("plan").order_by("created_at", "pk")
    return [alert for alert in overdue if _escalate(alert, now)]


@retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY)
def escalate_when_due() -> int:
    """Queued to run when alerts fall due (``schedule_escalation``): escalate them, and any
    other overdue alert. Returns how many were escalated."""
    return len(escalate_overdue_alerts())


def schedule_escalation(alerts: Sequence[RedFlagAlert]) -> bool:
    """Queue ``escalate_when_due`` for when the last of ``alerts`` (raised together) falls
    due, in the current transaction. False, nothing queued, when the task backend cannot
    run a task later (the immediate backend): ``manage.py escalate_alerts`` does it then."""
    if not alerts or not escalate_when_due.get_backend().supports_defer:
        return False
    due = max(escalation_due_at(alert) for alert in alerts)
    enqueue_in_transaction(escalate_when_due.using(run_after=due))
    return True
