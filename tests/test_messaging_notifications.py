"""Email notices of new messages (messaging/tasks.py, services/notices.py): to everyone
else who may read the thread, never its sender, never to someone the thread is closed to,
each user's own setting respected, and not a word of health in the subject or the body."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.services import remove_member
from messaging.models import NotificationSetting
from messaging.services import reply
from messaging.services.notices import set_email_notices
from messaging.tasks import send_new_message_email
from tests.messaging_fixtures import MessageWorld, client_for

pytestmark = pytest.mark.django_db

HEALTH_WORDS = "Pacing question BREAKSWORD after the injection"


def send(world: MessageWorld, thread, who: str, capture, body: str = HEALTH_WORDS):
    mail.outbox.clear()
    with capture(execute=True):
        return reply(thread, world.actor(who), body)


def recipients() -> set[str]:
    return {address for email in mail.outbox for address in email.to}


def test_a_patients_message_to_the_team_emails_every_member_but_not_the_patient(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    send(message_world, message_world.team_thread, "patient", django_capture_on_commit_callbacks)
    team = message_world.portal.team
    assert recipients() == {
        user.email for user in (team.lead, team.physio, team.mental_health, team.contributor)
    }


def test_a_mental_health_thread_emails_only_the_mental_health_member(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    send(message_world, message_world.mind_thread, "patient", django_capture_on_commit_callbacks)
    assert recipients() == {message_world.portal.team.mental_health.email}


def test_a_providers_reply_emails_the_patient_and_the_rest_of_the_team_not_the_sender(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    send(
        message_world,
        message_world.team_thread,
        "physical_therapy",
        django_capture_on_commit_callbacks,
    )
    assert message_world.actor("patient").email in recipients()
    assert message_world.actor("physical_therapy").email not in recipients()


def test_the_email_carries_no_health_details(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    send(
        message_world,
        message_world.team_thread,
        "physical_therapy",
        django_capture_on_commit_callbacks,
    )
    patient = message_world.portal.patient
    (to_patient,) = [e for e in mail.outbox if e.to == [message_world.actor("patient").email]]
    assert to_patient.subject == "A new message from your care team"
    assert "You have a new message from your care team at" in to_patient.body
    assert reverse("messaging:thread", args=[message_world.team_thread.pk]) in to_patient.body
    for email in mail.outbox:
        text = email.subject + email.body
        for secret in ("BREAKSWORD", "Pacing", "injection", message_world.team_thread.subject):
            assert secret not in text
        assert patient.family_name not in text and patient.record_number not in text
        assert message_world.plan.title not in text


@pytest.mark.parametrize("author", ["patient", "physical_therapy"])
def test_the_email_names_the_clinic_by_its_neutral_name_not_what_it_treats(
    message_world: MessageWorld, django_capture_on_commit_callbacks, settings, author
):
    assert "Pain" in settings.WAGTAIL_SITE_NAME  # the site's name would say it
    send(message_world, message_world.team_thread, author, django_capture_on_commit_callbacks)
    assert mail.outbox
    for email in mail.outbox:
        assert settings.CLINIC_NEUTRAL_NAME in email.body
        for word in ("Pain", "Spine", "pain", "spine"):
            assert word not in email.subject and word not in email.body


def test_the_neutral_name_comes_from_the_setting(
    message_world: MessageWorld, django_capture_on_commit_callbacks, settings
):
    settings.CLINIC_NEUTRAL_NAME = "Quayside Health Centre"
    send(message_world, message_world.team_thread, "lead", django_capture_on_commit_callbacks)
    (to_patient,) = [e for e in mail.outbox if e.to == [message_world.actor("patient").email]]
    assert "your care team at Quayside Health Centre." in to_patient.body


def test_someone_who_switched_the_emails_off_gets_none(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    lead = message_world.actor("lead")
    set_email_notices(lead, False)
    send(message_world, message_world.team_thread, "patient", django_capture_on_commit_callbacks)
    assert lead.email not in recipients() and recipients()
    set_email_notices(lead, True)
    send(message_world, message_world.team_thread, "patient", django_capture_on_commit_callbacks)
    assert lead.email in recipients()


def test_a_patient_who_switched_the_emails_off_gets_none(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    patient = message_world.actor("patient")
    set_email_notices(patient, False)
    send(message_world, message_world.team_thread, "lead", django_capture_on_commit_callbacks)
    assert patient.email not in recipients()


def test_the_emails_are_on_by_default_for_patients_and_providers(message_world: MessageWorld):
    assert not NotificationSetting.objects.exists()
    for who in ("patient", "lead"):
        page = client_for(message_world.actor(who)).get(reverse("messaging_account:settings"))
        assert 'name="email_on_new_message"' in page.content.decode()
        assert "checked" in page.content.decode()


def test_the_settings_page_switches_them_off_and_records_it(message_world: MessageWorld):
    patient = message_world.actor("patient")
    client = client_for(patient)
    url = reverse("messaging_account:settings")
    response = client.post(url, {})
    assert response.status_code == 302
    assert not NotificationSetting.objects.get(user=patient).email_on_new_message
    event = AuditEvent.objects.filter(actor=patient, action=AuditAction.CHANGED).latest("pk")
    assert event.detail["changes"] == {"email_on_new_message": [True, False]}
    assert "checked" not in client.get(url).content.decode()
    client.post(url, {"email_on_new_message": "on"})
    assert NotificationSetting.objects.get(user=patient).email_on_new_message


def test_the_account_page_links_to_the_setting(message_world: MessageWorld):
    page = client_for(message_world.actor("patient")).get(reverse("account"))
    assert reverse("messaging_account:settings") in page.content.decode()


def test_a_member_removed_before_the_email_goes_out_is_not_emailed(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    contributor = message_world.actor("contributor")
    sent = reply(message_world.team_thread, message_world.actor("patient"), "A question")
    remove_member(message_world.plan, message_world.actor("lead"), contributor)
    mail.outbox.clear()
    assert send_new_message_email.call(sent.message.pk, contributor.pk) is False
    assert mail.outbox == []


def test_nobody_is_emailed_about_a_thread_they_cannot_read(message_world: MessageWorld):
    sent = reply(message_world.mind_thread, message_world.actor("patient"), "A worry")
    mail.outbox.clear()
    for who in ("lead", "physical_therapy", "outsider", "other_patient"):
        assert send_new_message_email.call(sent.message.pk, message_world.actor(who).pk) is False
    assert mail.outbox == []


def test_a_removed_member_is_not_among_the_recipients(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    send(message_world, message_world.team_thread, "patient", django_capture_on_commit_callbacks)
    assert message_world.actor("removed").email not in recipients()
