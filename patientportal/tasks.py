"""Emails sent in the background so a slow mail server never slows a page.

Tasks take ids, not objects (the queue stores JSON), and build links and tokens when they
run, so no secret waits in the queue. Emails say as little about health as they can: the
details are behind the login.

Services hand them over in their own transaction (``jobs.handoff``). Each is retried with
backoff when the mail server or the database is out of reach, and ends as a dead letter
after its last try (``jobs.retry``); the red-flag alert goes on the urgent queue, ahead of
everything else. Sending is each task's last step, so a retry follows only an email that
did not go out. It can still arrive twice when the mail server took it but the connection
broke before the server said so, or when the worker died between sending and recording
it (``jobs.stranded``): a second copy does less harm than none.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from careteam.models import CareTeamMembership
from jobs.queues import URGENT_PRIORITY, URGENT_QUEUE
from jobs.retry import retried_task

from .models import PatientInvitation, ReadingAssignment, RedFlagAlert
from .tokens import invitation_token_generator


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _send(template: str, context: dict, recipient: str) -> None:
    context = {"site_name": settings.WAGTAIL_SITE_NAME, **context}
    subject = render_to_string(f"patientportal/emails/{template}_subject.txt", context)
    body = render_to_string(f"patientportal/emails/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient])


@retried_task()
def send_invitation_email(invitation_id: int) -> bool:
    invitation = (
        PatientInvitation.objects.select_related("user", "patient", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    # Revoked or replaced before the worker got to it: a stale link must not go out.
    if invitation is None or not invitation.is_pending:
        return False
    newest = invitation.patient.portal_invitations.order_by("-invited_at", "-pk").first()
    if newest is None or newest.pk != invitation.pk:
        return False
    user = invitation.user
    path = reverse(
        "patientportal:welcome",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    _send(
        "invitation",
        {
            "patient": invitation.patient,
            "username": user.get_username(),
            "link": absolute_url(path),
            "invited_by": invitation.invited_by,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        user.email,
    )
    return True


@retried_task()
def send_reading_assigned_email(assignment_id: int) -> bool:
    assignment = (
        ReadingAssignment.objects.select_related("plan__patient__user", "assigned_by")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        return False
    patient = assignment.plan.patient
    user = patient.user
    if user is None or not user.is_active or not (user.email or patient.email):
        return False
    _send(
        "reading_assigned",
        {
            "patient": patient,
            "assigned_by": assignment.assigned_by,
            "due_date": assignment.due_date,
            "link": absolute_url(reverse("patientportal:reading")),
        },
        user.email or patient.email,
    )
    return True


@retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY)
def send_red_flag_alert_email(alert_id: int, user_id: int | None = None) -> bool:
    """Tell the plan's lead, or team member ``user_id`` when given (a message's alert that
    names self-harm also goes to the plan's mental-health members:
    ``services.message_alerts``), that red-flag alert ``alert_id`` was raised. No patient and
    no symptom in the email; nothing goes to a member who has left the team meanwhile."""
    alert = RedFlagAlert.objects.filter(pk=alert_id).first()
    if alert is None:
        return False
    members = CareTeamMembership.objects.active().filter(plan_id=alert.plan_id)
    if user_id is None:
        members = members.filter(role="lead")
    else:
        members = members.filter(user_id=user_id, user__is_active=True)
    member = members.select_related("user").order_by("pk").first()
    if member is None or not member.user.email:
        return False
    _send(
        "red_flag_alert",
        {
            "member": member.user,
            "is_lead": member.role == "lead",
            "alert": alert,
            "link": absolute_url(reverse("careteam:plan-detail", args=[alert.plan_id])),
        },
        member.user.email,
    )
    return True


@retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY)
def send_red_flag_escalation_email(alert_id: int, recipient: str) -> bool:
    """Tell ``recipient`` (a member of the plan's team, or the clinic's on-call address)
    that red-flag alert ``alert_id`` has waited unacknowledged past the escalation delay
    (``services.escalation``). The patient is named by record number only; nothing is
    sent once someone has acknowledged the alert."""
    alert = (
        RedFlagAlert.objects.select_related("plan__patient", "questionnaire_result")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None or not alert.is_open:
        return False
    _send(
        "red_flag_escalation",
        {
            "alert": alert,
            "record_number": alert.plan.patient.record_number,
            "minutes": settings.RED_FLAG_ESCALATE_AFTER_MINUTES,
            "plan_link": absolute_url(reverse("careteam:plan-detail", args=[alert.plan_id])),
            "alerts_link": absolute_url(reverse("patientportal_on_call:alerts")),
        },
        recipient,
    )
    return True


@retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY)
def send_questionnaire_alert_email(alert_id: int, user_id: int) -> bool:
    """Tell team member ``user_id`` that a questionnaire result raised alert ``alert_id``
    (``services.questionnaire_alerts`` chose them). Says whether it is urgent and links to
    the plan behind the login: no patient, questionnaire, answer or score in the email.
    Nothing is sent once the alert is acknowledged or the member has left the team."""
    alert = RedFlagAlert.objects.filter(pk=alert_id).first()
    if alert is None or not alert.is_open:
        return False
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    on_team = (
        CareTeamMembership.objects.active().filter(plan_id=alert.plan_id, user_id=user_id).exists()
    )
    if user is None or not on_team or not user.email:
        return False
    _send(
        "questionnaire_alert",
        {
            "member": user,
            "alert": alert,
            "minutes": settings.RED_FLAG_ESCALATE_AFTER_MINUTES,
            "link": absolute_url(reverse("careteam:plan-detail", args=[alert.plan_id])),
        },
        user.email,
    )
    return True
