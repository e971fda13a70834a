"""Emails careteam sends in the background (django-tasks), enqueued once a transaction
commits::

    transaction.on_commit(partial(send_emergency_access_email.enqueue, grant.pk))

Tasks take ids, not objects (the queue stores JSON), and read what they need when they
run. Emails carry no health details: no patient, no plan title, no reason; only who opened
which kind of access, when, and a link behind the login.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from audit.privacy import privacy_officers

from .models import CareTeamMembership, EmergencyAccess, TeamRole

EMERGENCY_TEMPLATE = "careteam/emails/emergency_access"


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


@task()
def send_emergency_access_email(grant_id: int) -> int:
    """Tell the plan's lead and every privacy officer that ``grant_id`` was opened, one
    email each (no one sees the other recipients). Returns how many were sent."""
    grant = EmergencyAccess.objects.select_related("user").filter(pk=grant_id).first()
    if grant is None:
        return 0
    recipients = {}
    lead = (
        CareTeamMembership.objects.active()
        .filter(plan_id=grant.plan_id, role=TeamRole.LEAD)
        .select_related("user")
        .first()
    )
    if lead is not None and lead.user.email and lead.user.is_active:
        recipients[lead.user.email.lower()] = (lead.user, "you lead the plan's care team")
    for officer in privacy_officers():
        if officer.email:
            recipients.setdefault(officer.email.lower(), (officer, "you are a privacy officer"))
    messages = [_message(grant, user, why) for user, why in recipients.values()]
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
