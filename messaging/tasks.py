"""The email that tells someone a secure message is waiting: no health details, no names,
no subject (a subject can say too much), only a link behind the login; the clinic named by
its neutral name (``CLINIC_NEUTRAL_NAME``: the site's name says what it treats).

Handed over in the message's own transaction (``services.notices``), retried like every
email (``jobs.retry``). When it runs it asks again: the recipient still active, still
wanting the email, and still allowed by the policy to read the thread (someone removed
from the team meanwhile gets nothing)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from jobs.retry import retried_task

from .access import message_rights
from .models import Message, NotificationSetting


def _link(message: Message, as_patient: bool) -> str:
    thread = message.thread
    if as_patient:
        path = reverse("messaging:thread", args=[thread.pk])
    else:
        path = reverse(
            "messaging_team:thread", kwargs={"plan_id": thread.plan_id, "thread_id": thread.pk}
        )
    return str(settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


@retried_task()
def send_new_message_email(message_id: int, recipient_id: int) -> bool:
    message = Message.objects.select_related("thread__plan__patient").filter(pk=message_id).first()
    recipient = get_user_model().objects.filter(pk=recipient_id, is_active=True).first()
    if message is None or recipient is None or recipient.pk == message.author_id:
        return False
    if NotificationSetting.objects.filter(user=recipient, email_on_new_message=False).exists():
        return False
    plan = message.thread.plan
    rights = message_rights(recipient, plan)
    if not rights.may_read(message.thread.audience):
        return False
    address = recipient.email or (plan.patient.email if rights.as_patient else "")
    if not address:
        return False
    context = {
        "clinic": settings.CLINIC_NEUTRAL_NAME,
        "link": _link(message, rights.as_patient),
        "to_patient": rights.as_patient,
        "emergency_number": settings.CLINIC_EMERGENCY_NUMBER,
    }
    subject = render_to_string("messaging/emails/new_message_subject.txt", context)
    body = render_to_string("messaging/emails/new_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [address])
    return True
