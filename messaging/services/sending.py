"""Starting a thread and replying: the one write path of messages.

The policy is asked before anything is validated (an outsider learns nothing from an
error) and again inside the transaction with the sender's membership row locked
(``message_rights(..., lock=True)``), so a member removed from the team meanwhile sends
nothing. In the same transaction: the message, the thread's newest time, the sender's
read marker, the audit record (never the words: the lead reads the audit trail), for a
patient's message that names a red flag the urgent alert (``raise_message_alert``, on the
red-flag path), and the email notices (``notices``). Messages are never changed after.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, CareTeamMembership
from careteam.policy import PlanAction, roles_allowed
from careteam.services import deny
from patientportal.models import SELF_HARM_IN_MESSAGE
from patientportal.services.message_alerts import raise_message_alert

from ..access import MessageRights, message_rights
from ..models import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH, Audience, Message, Thread
from ..red_flags import red_flags_in, urgent_labels
from .notices import queue_notices
from .reading import mark_read

WRITE_FIRST = "Write your message first."
NO_MENTAL_HEALTH_MEMBER = (
    "There is no mental-health professional on this plan's team yet: write to the whole "
    "team instead."
)


class MessageRefused(Exception):
    """The sender may read the thread but not write in it now (a plan no longer current,
    for a patient); nothing was stored. Recorded as 'denied'."""


@dataclass(frozen=True)
class Sent:
    message: Message
    # What the patient is told at once: the red flags their words named, and whether
    # they named self-harm.
    red_flag_labels: list[str] = field(default_factory=list)
    self_harm: bool = False

    @property
    def urgent(self) -> bool:
        return bool(self.red_flag_labels) or self.self_harm


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": WRITE_FIRST})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": f"Keep a message under {MESSAGE_MAX_LENGTH} characters, or send two."}
        )
    return body


def _clean_subject(subject: str) -> str:
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError({"subject": "Say in a few words what it is about."})
    if len(subject) > SUBJECT_MAX_LENGTH:
        raise ValidationError(
            {"subject": f"Keep the subject under {SUBJECT_MAX_LENGTH} characters."}
        )
    return subject


def _refuse(
    actor: User,
    plan: CarePlan,
    rights: MessageRights,
    audience: str,
    thread: Thread | None = None,
) -> Exception:
    """Record the refusal and return what to raise: ``CareAccessDenied`` (404 for who may
    not read the thread, 403 for a member who may), or ``MessageRefused`` for a patient
    whose plan is no longer current."""
    if not rights.may_read(audience):
        if not rights.any:
            return deny(actor, PlanAction.SEND_MESSAGES, plan=plan, obj=thread)
        return deny(
            actor,
            PlanAction.MENTAL_HEALTH_THREADS,
            plan=plan,
            obj=thread,
            hide_existence=rights.as_patient,
        )
    if rights.as_patient:
        deny(actor, PlanAction.SEND_MESSAGES, plan=plan, obj=thread, reason="plan not current")
        return MessageRefused("This plan has ended: messages to its team are closed.")
    return deny(actor, PlanAction.SEND_MESSAGES, plan=plan, obj=thread, hide_existence=False)


class _Refused(Exception):
    def __init__(self, rights: MessageRights):
        super().__init__()
        self.rights = rights


def _store(
    plan: CarePlan,
    actor: User,
    audience: str,
    body: str,
    *,
    thread: Thread | None,
    subject: str = "",
) -> Sent:
    try:
        with transaction.atomic():
            rights = message_rights(actor, plan, lock=True)
            if not rights.may_send(audience):
                raise _Refused(rights)
            now = timezone.now()
            if thread is None:
                thread = Thread.objects.create(
                    plan=plan,
                    audience=audience,
                    subject=subject,
                    started_by=actor,
                    last_message_at=now,
                )
                record_event(
                    actor,
                    AuditAction.CREATED,
                    thread,
                    plan=plan,
                    detail={"what": "message_thread", "audience": audience},
                )
            else:
                Thread.objects.filter(pk=thread.pk).update(last_message_at=now)
                thread.last_message_at = now
            flags = red_flags_in(body) if rights.as_patient else []
            message = Message(
                thread=thread,
                author=actor,
                from_patient=rights.as_patient,
                body=body,
                sent_at=now,
                red_flags=flags,
            )
            if flags:
                message.alert = raise_message_alert(plan, actor, flags)
            message.save()
            record_event(
                actor,
                AuditAction.CREATED,
                message,
                plan=plan,
                detail={
                    "what": "message",
                    "thread": thread.pk,
                    "audience": audience,
                    "red_flags": flags,
                },
            )
            mark_read(thread, actor, now)
            queue_notices(message, plan)
    except _Refused as refused:
        raise _refuse(actor, plan, refused.rights, audience, thread) from None
    return Sent(
        message=message,
        red_flag_labels=urgent_labels(flags),
        self_harm=SELF_HARM_IN_MESSAGE in flags,
    )


def has_mental_health_member(plan: CarePlan) -> bool:
    """Whether anyone on the plan's team now may read a thread to the mental-health
    professional (one query)."""
    return (
        CareTeamMembership.objects.active()
        .filter(
            plan=plan,
            role__in=roles_allowed(PlanAction.MENTAL_HEALTH_THREADS),
            user__is_active=True,
        )
        .exists()
    )


def start_thread(plan: CarePlan, actor: User, *, audience: str, subject: str, body: str) -> Sent:
    """A new thread on ``plan`` to ``audience`` (``Audience``), with its first message."""
    rights = message_rights(actor, plan)
    if audience not in Audience.values:
        raise ValidationError({"audience": "Choose who the message is for."})
    if not rights.may_send(audience):
        raise _refuse(actor, plan, rights, audience)
    subject, body = _clean_subject(subject), _clean_body(body)
    if audience == Audience.MENTAL_HEALTH and not has_mental_health_member(plan):
        raise ValidationError({"audience": NO_MENTAL_HEALTH_MEMBER})
    return _store(plan, actor, audience, body, thread=None, subject=subject)


def reply(thread: Thread, actor: User, body: str) -> Sent:
    """A new message in ``thread``."""
    plan = thread.plan
    rights = message_rights(actor, plan)
    if not rights.may_send(thread.audience):
        raise _refuse(actor, plan, rights, thread.audience, thread)
    return _store(plan, actor, thread.audience, _clean_body(body), thread=thread)
