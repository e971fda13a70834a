"""Emails careteam sends in the background (django-tasks), handed to the queue in the
transaction of what they are about (``jobs.handoff``)::

    enqueue_in_transaction(send_emergency_access_email, grant.pk, lead.pk, Told.LEAD.value)

Tasks take ids, not objects (the queue stores JSON), and read what they need when they
run. Emails carry no health details: no patient, no plan title, no reason; only who opened
which kind of access, when, and a link behind the login.

An emergency access is told to each recipient by a task of its own (the service chooses
them: ``services.emergency``), retried with backoff while the mail server or the database
is out of reach (``jobs.retry``): a retry never repeats an email that went out to
someone else. Sending is the task's last step, so a retry follows only an email that did
not go out. It can still arrive twice when the mail server took it but the connection
broke before the server said so, or when the worker died between sending and recording
it (``jobs.stranded``): a second copy does less harm than none.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from jobs.retry import retried_task

from .models import EmergencyAccess

EMERGENCY_TEMPLATE = "careteam/emails/emergency_access"


class Told(StrEnum):
    """Why someone is told of an emergency access; the value is what the queue carries."""

    LEAD = "lead"
    PRIVACY_OFFICER = "privacy_officer"


WHY: dict[str, str] = {
    Told.LEAD: "you lead the plan's care team",
    Told.PRIVACY_OFFICER: "you are a privacy officer",
}


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _message(grant: EmergencyAccess, recipient, why: str) -> EmailMessage:
    context = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "recipient": recipient,
        "physician": grant.user,
        "grant": grant,
        "why": why,
        "link": absolute_url(reverse("careteam:emergency-access-detail", args=[grant.pk])),
        "hours": settings.EMERGENCY_ACCESS_HOURS,
    }
    subject = render_to_string(f"{EMERGENCY_TEMPLATE}_subject.txt", context)
    body = render_to_string(f"{EMERGENCY_TEMPLATE}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, None, [recipient.email])


@retried_task()
def send_emergency_access_email(grant_id: int, user_id: int, told_as: str) -> bool:
    """Tell one recipient that ``grant_id`` was opened; False when there is no one to tell
    any more (the grant or the login gone, the login switched off, no email address)."""
    grant = EmergencyAccess.objects.select_related("user").filter(pk=grant_id).first()
    recipient = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    why = WHY.get(told_as)
    if grant is None or recipient is None or not recipient.email or why is None:
        return False
    _message(grant, recipient, why).send()
    return True
