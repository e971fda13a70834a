"""The alert a secure message raises when its words name a red flag (``messaging``), on the
red-flag alerts' own path: the same model (kind ``MESSAGE_RED_FLAGS``, no check-in or
questionnaire behind it), the same email to the plan's lead, the same team pages and
acknowledgement (``alerts``) and the same escalation (``escalation``).

Raised in the message's own transaction, so the message, its alert and the queued email
and escalation are committed together or not at all (``jobs.handoff``). The audit event
names the red flags found, never the message's words: the lead reads the audit trail, and
a thread to the mental-health professional is not theirs to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan
from jobs.handoff import enqueue_in_transaction

from ..models import AlertKind, RedFlagAlert
from ..tasks import send_red_flag_alert_email
from .escalation import schedule_escalation


def raise_message_alert(plan: CarePlan, user, flags: Sequence[str]) -> RedFlagAlert:
    """Raise the urgent alert of a message by ``user`` on ``plan`` naming ``flags``
    (``RedFlag`` values, or ``SELF_HARM_IN_MESSAGE``), in the caller's transaction: the
    lead is emailed at once, and the alert escalates when nobody acknowledges it in time."""
    alert = RedFlagAlert.objects.create(
        plan=plan, kind=AlertKind.MESSAGE_RED_FLAGS, flags=list(flags)
    )
    record_event(
        user,
        AuditAction.CREATED,
        alert,
        plan=plan,
        detail={"kind": AlertKind.MESSAGE_RED_FLAGS.value, "red_flags": list(flags)},
    )
    enqueue_in_transaction(send_red_flag_alert_email, alert.pk)
    schedule_escalation([alert])
    return alert
