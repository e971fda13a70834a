"""The alert a secure message raises when its words name a red flag (``messaging``), on the
red-flag alerts' own path: the same model (kind ``MESSAGE_RED_FLAGS``, no check-in or
questionnaire behind it), the same email to the plan's lead, the same team pages and
acknowledgement (``alerts``) and the same escalation (``escalation``). Words of self-harm
are emailed to the plan's active mental-health members too, as the PHQ-9's self-harm item
is (``questionnaire_alerts.alert_recipients``, the one rule for both).

Raised in the message's own transaction, so the message, its alert and the queued email
and escalation are committed together or not at all (``jobs.handoff``). The audit event
names the red flags found and who was emailed, never the message's words: the lead reads
the audit trail, and a thread to the mental-health professional is not theirs to read.
"""

from __future__ import annotations

from collections.abc import Sequence

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, TeamRole
from jobs.handoff import enqueue_in_transaction

from ..models import SELF_HARM_IN_MESSAGE, AlertKind, RedFlagAlert
from ..tasks import send_red_flag_alert_email
from .escalation import schedule_escalation
from .questionnaire_alerts import alert_recipients


def message_alert_recipients(plan: CarePlan, flags: Sequence[str]) -> list:
    """Who is emailed about a message's alert naming ``flags``: the plan's active leads,
    and its active mental-health members too when the words name self-harm."""
    discipline = TeamRole.MENTAL_HEALTH if SELF_HARM_IN_MESSAGE in flags else TeamRole.LEAD
    return alert_recipients(plan, AlertKind.MESSAGE_RED_FLAGS, discipline)


def raise_message_alert(plan: CarePlan, user, flags: Sequence[str]) -> RedFlagAlert:
    """Raise the urgent alert of a message by ``user`` on ``plan`` naming ``flags``
    (``RedFlag`` values, or ``SELF_HARM_IN_MESSAGE``), in the caller's transaction: the
    lead (and for self-harm the mental-health members) is emailed at once, and the alert
    escalates when nobody acknowledges it in time."""
    alert = RedFlagAlert.objects.create(
        plan=plan, kind=AlertKind.MESSAGE_RED_FLAGS, flags=list(flags)
    )
    recipients = message_alert_recipients(plan, flags)
    record_event(
        user,
        AuditAction.CREATED,
        alert,
        plan=plan,
        detail={
            "kind": AlertKind.MESSAGE_RED_FLAGS.value,
            "red_flags": list(flags),
            "notified": [recipient.get_username() for recipient in recipients],
        },
    )
    for recipient in recipients:
        enqueue_in_transaction(send_red_flag_alert_email, alert.pk, recipient.pk)
    schedule_escalation([alert])
    return alert
