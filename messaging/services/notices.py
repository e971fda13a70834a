"""Who is emailed when a message is sent: everyone else who may read its thread and has
not switched the notices off (``NotificationSetting``; no row: on). The email carries no
health details, only a link behind the login (``messaging.tasks``); the task asks the
policy again when it runs, so someone removed from the team meanwhile is not emailed."""

from __future__ import annotations

from django.contrib.auth.models import User

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, CareTeamMembership
from careteam.policy import PlanAction, roles_allowed
from jobs.handoff import enqueue_in_transaction

from ..models import Audience, Message, NotificationSetting
from ..tasks import send_new_message_email


def recipients(message: Message, plan: CarePlan) -> list[int]:
    """The ids of the users to tell of ``message`` (one query for the team, the patient
    read with the plan): each once, never its author, only who wants the email."""
    action = (
        PlanAction.MENTAL_HEALTH_THREADS
        if message.thread.audience == Audience.MENTAL_HEALTH
        else PlanAction.READ_MESSAGES
    )
    members = (
        CareTeamMembership.objects.active()
        .filter(plan=plan, role__in=roles_allowed(action), user__is_active=True)
        .exclude(user__message_notifications__email_on_new_message=False)
        .values_list("user_id", flat=True)
    )
    ids = list(dict.fromkeys(members))
    patient_user = plan.patient.user_id
    if patient_user is not None and patient_user not in ids and wants_email(patient_user):
        ids.append(patient_user)
    return [pk for pk in ids if pk != message.author_id]


def wants_email(user: User | int) -> bool:
    """The user's choice of email notices (on unless switched off)."""
    return not User.objects.filter(
        pk=user.pk if isinstance(user, User) else user,
        is_active=True,
        message_notifications__email_on_new_message=False,
    ).exists()


def set_email_notices(user: User, wanted: bool) -> NotificationSetting:
    """Switch the user's email notices on or off; the change is audited."""
    before = wants_email(user)
    setting, _ = NotificationSetting.objects.update_or_create(
        user=user, defaults={"email_on_new_message": wanted}
    )
    if before != wanted:
        record_event(
            user,
            AuditAction.CHANGED,
            setting,
            detail={"changes": {"email_on_new_message": [before, wanted]}},
        )
    return setting


def queue_notices(message: Message, plan: CarePlan) -> None:
    """Hand an email per recipient to the queue, in the caller's transaction."""
    for recipient in recipients(message, plan):
        enqueue_in_transaction(send_new_message_email, message.pk, recipient)
