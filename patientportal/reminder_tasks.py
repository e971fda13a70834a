"""The reminder email, sent in the background (``services.reminders`` claims the day and
hands this over in the same transaction).

It carries no health detail at all: not what is due, not a questionnaire's or a
treatment's name, not the patient's name; only how many things wait on the clinic's portal
(named by ``CLINIC_NEUTRAL_NAME``), a link to the portal behind the login and the
unsubscribe link. An inbox seen by someone else gives nothing away. It carries the
``List-Unsubscribe`` and ``List-Unsubscribe-Post`` headers of RFC 8058, so a mail program can
offer its own one-click unsubscribe.

At sending time it checks again that reminders are still on, the day is still the one
claimed and it is not quiet hours (a queue held up for hours sends nothing late at night).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from jobs.retry import retried_task

from .models import ReminderSent
from .reminder_links import absolute, one_click_unsubscribe_url, unsubscribe_url
from .services.reminder_preferences import quiet_hours_of


def reminder_message(reminder: ReminderSent, recipient: str) -> EmailMessage:
    """The email for ``reminder``, with its unsubscribe headers."""
    context = {
        "clinic_name": settings.CLINIC_NEUTRAL_NAME,
        "things_to_do": reminder.things_to_do,
        "portal_link": absolute(reverse("patientportal:home")),
        "unsubscribe_link": unsubscribe_url(reminder.patient_id),
        "settings_link": absolute(reverse("patientportal:reminders")),
    }
    subject = render_to_string("patientportal/emails/reminder_subject.txt", context)
    body = render_to_string("patientportal/emails/reminder.txt", context)
    headers = {
        "List-Unsubscribe": f"<{one_click_unsubscribe_url(reminder.patient_id)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    return EmailMessage(" ".join(subject.split()), body, None, [recipient], headers=headers)


@retried_task()
def send_reminder_email(reminder_id: int) -> bool:
    reminder = (
        ReminderSent.objects.select_related("patient__user", "patient__reminder_preference")
        .filter(pk=reminder_id)
        .first()
    )
    if reminder is None:
        return False
    patient = reminder.patient
    preference = getattr(patient, "reminder_preference", None)
    user = patient.user
    if preference is None or not preference.enabled or user is None or not user.is_active:
        return False
    recipient = user.email or patient.email
    local = timezone.now().astimezone(patient.zone)
    if not recipient or local.date() != reminder.local_date:
        return False
    if quiet_hours_of(preference).contains(local.time()):
        return False
    reminder_message(reminder, recipient).send()
    return True
