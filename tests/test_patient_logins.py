"""Patient accounts: invitation through a background task, one-time set-password link,
revocation; and no access before the password is set or after revocation."""

import re
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from careteam.models import Patient
from careteam.services import CareAccessDenied
from patientportal.models import PatientInvitation
from patientportal.services.errors import PortalActionError
from patientportal.services.logins import (
    accept_invitation,
    invite_patient,
    revoke_patient_access,
)
from patientportal.tasks import send_invitation_email
from patientportal.tokens import InvitationTokenGenerator
from tests.mfa_fixtures import recently_authenticated
from tests.patient_fixtures import PATIENT_PASSWORD, activate_plan

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-pass-4821"


@pytest.fixture
def plan(care_team):
    plan = activate_plan(care_team.plan)
    Patient.objects.filter(pk=plan.patient_id).update(email="pat@example.com")
    plan.patient.refresh_from_db()
    return plan


def open_link(client, link: str) -> str:
    """Follow the emailed link: its token goes into the session and the browser is sent on
    to the set-password URL, which is returned."""
    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    return response["Location"]


def invite_and_get_link(plan, actor, capture):
    with capture(execute=True):
        invitation = invite_patient(plan, actor)
    body = mail.outbox[-1].body
    link = re.search(r"http://testserver(/my/welcome/\S+/)", body).group(1)
    return invitation, link


def test_invitation_creates_an_inactive_login_and_emails_a_link(
    care_team, plan, django_capture_on_commit_callbacks
):
    invitation, link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    user = invitation.user
    plan.patient.refresh_from_db()
    assert plan.patient.user == user
    assert not user.is_active
    assert not user.has_usable_password()
    assert mail.outbox[-1].to == ["pat@example.com"]
    assert user.username in mail.outbox[-1].body
    assert AuditEvent.objects.filter(
        action="granted", care_plan_id=plan.pk, actor=care_team.lead
    ).exists()
    assert link.startswith("/my/welcome/")


def test_the_email_is_sent_by_the_background_task_not_the_request(care_team, plan, kept_tasks):
    with mock.patch("django.db.transaction.on_commit", lambda fn: fn()):
        invitation = invite_patient(plan, care_team.lead)
    assert mail.outbox == []  # queued, not sent
    (result,) = kept_tasks.results
    assert result.task.func is send_invitation_email.func
    assert result.args == [invitation.pk]
    result.task.call(*result.args)  # what the worker does
    assert len(mail.outbox) == 1
    assert "/my/welcome/" in mail.outbox[0].body


def test_the_link_sets_the_password_once_and_logs_the_patient_in(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    invitation, link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    form_url = open_link(client, link)
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("patientportal:home")
    assert client.get(reverse("patientportal:plan")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert authenticate(username=invitation.user.username, password=NEW_PASSWORD)

    client.logout()
    other = {"new_password1": "x-other-pass-991", "new_password2": "x-other-pass-991"}
    for reused in (client.get(link), client.post(link, other), client.post(form_url, other)):
        assert reused.status_code == 400
        assert b"no longer works" in reused.content
    assert authenticate(username=invitation.user.username, password=NEW_PASSWORD)


def test_an_expired_link_is_refused(client, care_team, plan, django_capture_on_commit_callbacks):
    invitation, link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    later = InvitationTokenGenerator()._now().__class__.now()
    with mock.patch.object(
        InvitationTokenGenerator,
        "_now",
        return_value=later.replace(year=later.year + 1),
    ):
        response = client.get(link)
    assert response.status_code == 400
    assert b"no longer works" in response.content


def test_a_tampered_or_garbage_link_is_refused(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    _, link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    assert client.get(link[:-3] + "zz/").status_code == 400
    assert client.get("/my/welcome/!!!/abc-def/").status_code == 400


def test_no_access_until_the_password_is_set(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    invitation, _ = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    assert authenticate(username=invitation.user.username, password="") is None
    client.force_login(invitation.user)  # even a forged session is not a patient session
    assert client.get(reverse("patientportal:plan")).status_code in (302, 404)


def test_a_new_invitation_voids_the_earlier_link(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    _, first_link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    first_form_url = open_link(client, first_link)  # opened, but not used yet
    _, second_link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    assert client.get(first_link).status_code == 400
    assert client.get(first_form_url).status_code == 400  # its token, kept in the session
    assert client.get(open_link(client, second_link)).status_code == 200


def test_only_the_lead_of_an_open_plan_can_invite(care_team, plan):
    with pytest.raises(CareAccessDenied) as outsider:
        invite_patient(plan, care_team.outsider)
    assert outsider.value.status_code == 404  # not on any of the patient's teams
    with pytest.raises(CareAccessDenied, match="Only the lead physician") as physio:
        invite_patient(plan, care_team.physio)
    assert physio.value.status_code == 403
    assert not PatientInvitation.objects.exists()
    for refused in (care_team.outsider, care_team.physio):
        assert AuditEvent.objects.filter(
            action="denied", actor=refused, detail__permission="invite_patient"
        ).exists()


def test_inviting_needs_an_email_and_refuses_an_active_login(
    care_team, plan, django_capture_on_commit_callbacks
):
    Patient.objects.filter(pk=plan.patient_id).update(email="")
    plan.patient.refresh_from_db()
    with pytest.raises(PortalActionError, match="email"):
        invite_patient(plan, care_team.lead)
    Patient.objects.filter(pk=plan.patient_id).update(email="pat@example.com")
    plan.patient.refresh_from_db()
    invitation, _ = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    accept_invitation(invitation, PATIENT_PASSWORD)
    with pytest.raises(PortalActionError, match="already has access"):
        invite_patient(plan, care_team.lead)


def test_revocation_ends_access_at_once(client, portal_world):
    client.force_login(portal_world.patient_user)
    assert client.get(reverse("patientportal:plan")).status_code == 200
    revoke_patient_access(portal_world.patient, portal_world.lead)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    user = portal_world.patient_user
    user.refresh_from_db()
    assert not user.is_active
    assert authenticate(username=user.username, password=PATIENT_PASSWORD) is None
    assert AuditEvent.objects.filter(
        action="revoked", patient_id=portal_world.patient.pk, actor=portal_world.lead
    ).exists()


def test_outsiders_and_other_roles_cannot_revoke(portal_world):
    for refused in (portal_world.team.outsider, portal_world.team.contributor):
        with pytest.raises(CareAccessDenied):
            revoke_patient_access(portal_world.patient, refused)
    portal_world.patient_user.refresh_from_db()
    assert portal_world.patient_user.is_active


def test_a_revoked_pending_invitation_link_stops_working(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    _, link = invite_and_get_link(plan, care_team.lead, django_capture_on_commit_callbacks)
    form_url = open_link(client, link)
    revoke_patient_access(plan.patient, care_team.lead)
    assert client.get(link).status_code == 400
    password = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    assert client.post(form_url, password).status_code == 400
    assert client.get(reverse("patientportal:plan")).status_code == 302  # not logged in


def test_a_revoked_invitation_is_not_emailed_by_a_late_worker(care_team, plan, kept_tasks):
    with mock.patch("django.db.transaction.on_commit", lambda fn: fn()):
        invite_patient(plan, care_team.lead)
    revoke_patient_access(plan.patient, care_team.lead)
    (result,) = kept_tasks.results
    assert result.task.call(*result.args) is False
    assert mail.outbox == []


def test_a_staff_login_linked_to_a_patient_is_never_switched_off(care_team, plan):
    Patient.objects.filter(pk=plan.patient_id).update(user=care_team.contributor)
    plan.patient.refresh_from_db()
    with pytest.raises(PortalActionError, match="staff login"):
        invite_patient(plan, care_team.lead)
    with pytest.raises(PortalActionError, match="staff login"):
        revoke_patient_access(plan.patient, care_team.lead)
    care_team.contributor.refresh_from_db()
    assert care_team.contributor.is_active
    assert care_team.contributor.has_usable_password()


def test_invite_and_revoke_buttons_work_for_the_lead_only(
    client, care_team, plan, django_capture_on_commit_callbacks
):
    invite_url = reverse("patientportal_team:invite", args=[plan.pk])
    revoke_url = reverse("patientportal_team:revoke", args=[plan.pk])
    client.force_login(care_team.outsider)
    assert client.post(invite_url).status_code == 404
    assert not PatientInvitation.objects.exists()

    client.force_login(care_team.contributor)
    assert client.post(invite_url).status_code == 403
    assert client.post(revoke_url).status_code == 403
    assert not PatientInvitation.objects.exists()

    client.force_login(care_team.lead)
    recently_authenticated(client)  # switching access off asks for the password again
    assert client.get(invite_url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_url, follow=True)
    assert response.redirect_chain[0][0] == reverse("careteam:plan-detail", args=[plan.pk])
    assert "Invitation sent to pat@example.com" in response.content.decode()
    assert len(mail.outbox) == 1

    response = client.post(revoke_url, {"confirm": "yes"}, follow=True)
    assert "switched off" in response.content.decode()
    assert PatientInvitation.objects.get().revoked_by == care_team.lead
    again = client.post(revoke_url, {"confirm": "yes"}, follow=True)
    assert again.status_code == 200  # a clear message, never a 500
