"""Red flags in a patient's message (messaging/red_flags.py): the check-in's list found by
word matching, the urgent advice shown at once after sending (the message still saved and
sent), and the same alert as a red-flag check-in raised on the plan (the red-flag path:
the lead emailed, the team's plan page, acknowledgement)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.services import remove_member
from messaging.models import Audience, Message
from messaging.red_flags import red_flags_in
from messaging.services import reply, start_thread
from patientportal.models import SELF_HARM_IN_MESSAGE, AlertKind, RedFlag, RedFlagAlert
from patientportal.services.alerts import acknowledge_alert, open_alerts_for_plan
from patientportal.services.escalation import escalate_overdue_alerts, escalation_delay
from patientportal.tasks import send_red_flag_alert_email
from tests.api_fixtures import token_client
from tests.messaging_fixtures import MessageWorld, client_for, my_thread_url

LEGS = RedFlag.LEG_NUMBNESS_OR_WEAKNESS.value
BLADDER = RedFlag.BLADDER_OR_BOWEL.value
FALL = RedFlag.SEVERE_PAIN_AFTER_FALL.value
AT_REST = RedFlag.CONSTANT_PAIN_NOT_EASED_BY_REST.value

FOUND = [
    ("I feel numb in my legs", [LEGS]),
    ("There is some NUMBNESS in my left foot", [LEGS]),
    ("Tingling down both legs since yesterday", [LEGS]),
    ("I can't feel my legs properly", [LEGS]),
    ("I can\u2019t feel my feet when I stand", [LEGS]),
    ("My legs keep giving way on the stairs", [LEGS]),
    ("New weakness in my right leg", [LEGS]),
    ("I've had trouble with my bladder today", [BLADDER]),
    ("My bowels are not right", [BLADDER]),
    ("I lost control of my wee when I coughed", [BLADDER]),
    ("Lost control on the way to the toilet this morning", [BLADDER]),
    ("I peed myself in the night", [BLADDER]),
    ("I pooed myself at the bus stop", [BLADDER]),
    ("I soiled myself", [BLADDER]),
    ("I couldn't pass urine all day", [BLADDER]),
    ("I cannot pass water", [BLADDER]),
    ("It feels numb around my bottom", [BLADDER]),
    ("My groin has gone numb", [BLADDER]),
    ("Numbness in my genitals since Tuesday", [BLADDER]),
    ("I feel numb between my legs", [BLADDER]),
    ("Tingling around my back passage", [BLADDER]),
    ("Numb legs and a numb bottom", [LEGS, BLADDER]),
    ("My bottom and legs are numb", [LEGS, BLADDER]),
    ("Numbness on the bottom of my foot", [LEGS]),
    ("There is no feeling in my legs", [LEGS]),
    ("No feeling in my left foot", [LEGS]),
    ("My legs buckled on the stairs", [LEGS]),
    ("My knee keeps buckling", [LEGS]),
    ("I can't walk", [LEGS]),
    ("Since Monday I cannot walk", [LEGS]),
    ("I fell in the garden and the pain is severe", [FALL]),
    ("Had a fall this morning, severe pain since", [FALL]),
    ("The pain is constant, even lying down", [AT_REST]),
    ("It doesn't ease when I rest", [AT_REST]),
    ("Numb legs and I wet myself", [LEGS, BLADDER]),
    ("Some days I want to die", [SELF_HARM_IN_MESSAGE]),
    ("I have thought about hurting myself", [SELF_HARM_IN_MESSAGE]),
    ("I want to take my own life", [SELF_HARM_IN_MESSAGE]),
    ("Sometimes I think I will take my life", [SELF_HARM_IN_MESSAGE]),
    ("I wish I was dead", [SELF_HARM_IN_MESSAGE]),
    ("Some mornings I wish I were dead", [SELF_HARM_IN_MESSAGE]),
    ("I might overdose on my pills", [SELF_HARM_IN_MESSAGE]),
    ("I overdosed last year", [SELF_HARM_IN_MESSAGE]),
    ("I don't want to be alive", [SELF_HARM_IN_MESSAGE]),
    ("I do not want to wake up tomorrow", [SELF_HARM_IN_MESSAGE]),
    ("I dont want to live like this", [SELF_HARM_IN_MESSAGE]),
    ("They'd be better off without me", [SELF_HARM_IN_MESSAGE]),
    ("I cut myself again", [SELF_HARM_IN_MESSAGE]),
    ("I keep cutting myself", [SELF_HARM_IN_MESSAGE]),
    ("I have been harming myself", [SELF_HARM_IN_MESSAGE]),
    ("I hurt myself on purpose", [SELF_HARM_IN_MESSAGE]),
]
NOT_FOUND = [
    "The numbers on the pain scale confuse me",
    "How many rest breaks should I take on a work day?",
    "I read about falls prevention in the leaflet",
    "The pain was severe after the long drive",
    "Fall-back plan for busy days?",
    "My legs feel strong after the exercises",
    "I feel weak today after a poor night",
    "Can I swap the bridge for a bird dog?",
    "I cut my hair short",
    "My life is busy with the children",
    "I hurt my back lifting a box",
    "I lost control of my temper with the kids",
    "The car lost control on the ice, nobody hurt",
    "I can't go for a walk when it rains",
    "My belt buckle broke",
    "The pain is at the bottom of my back",
    "I wish I was better at the exercises",
    "",
]


@pytest.mark.parametrize(("text", "flags"), FOUND)
def test_red_flag_words_are_found(text, flags):
    assert red_flags_in(text) == flags


@pytest.mark.parametrize("text", NOT_FOUND)
def test_ordinary_words_are_not_red_flags(text):
    assert red_flags_in(text) == []


# --- Sending -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_red_flag_message_shows_the_urgent_advice_at_once_and_is_still_sent(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    client = client_for(message_world.actor("patient"))
    url = my_thread_url(message_world.team_thread)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Since this morning I feel numb in my legs"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Get urgent medical help now" in page
    assert "New numbness, tingling or weakness in one or both legs" in page
    assert "Call 999" in page
    message = Message.objects.get(body="Since this morning I feel numb in my legs")
    assert message.red_flags == [LEGS] and message.alert is not None
    # Without the parameter, or on a later visit, the advice is not shown again.
    assert "Get urgent medical help now" not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_red_flag_message_raises_the_same_alert_as_a_red_flag_check_in(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    patient, plan = message_world.actor("patient"), message_world.plan
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reply(message_world.team_thread, patient, "I fell on ICEPATCH, severe pain")
    alert = sent.message.alert
    assert alert.kind == AlertKind.MESSAGE_RED_FLAGS and alert.is_urgent and alert.is_open
    assert alert.plan == plan and alert.flags == [FALL]
    assert alert.flag_labels() == ["Severe back pain after a fall or accident"]
    assert list(open_alerts_for_plan(plan)) == [alert]
    created = AuditEvent.objects.get(
        action=AuditAction.CREATED, target_object_id=str(alert.pk), detail__kind="message_flags"
    )
    assert created.detail["red_flags"] == [FALL] and "ICEPATCH" not in str(created.detail)
    # The red-flag email to the lead, on the urgent path, naming no symptom.
    alert_mail = [email for email in mail.outbox if email.to == [message_world.portal.lead.email]]
    assert any("red-flag" in email.subject for email in alert_mail)
    assert all("ICEPATCH" not in email.body and "fell" not in email.body for email in mail.outbox)
    # The team sees it at the top of the plan page, and acknowledges it as any other.
    lead = message_world.actor("lead")
    plan_page = client_for(lead).get(reverse("careteam:plan-detail", args=[plan.pk]))
    text = plan_page.content.decode()
    assert "Severe back pain after a fall or accident" in text
    assert "Words in a message from the patient" in text and "ICEPATCH" not in text
    acknowledge_alert(alert, lead, outcome="called_patient")
    assert not RedFlagAlert.objects.get(pk=alert.pk).is_open


@pytest.mark.django_db
def test_an_ordinary_message_raises_no_alert(message_world: MessageWorld):
    before = RedFlagAlert.objects.count()
    sent = reply(message_world.team_thread, message_world.actor("patient"), "The numbers went up")
    assert sent.message.red_flags == [] and sent.message.alert is None and not sent.urgent
    assert RedFlagAlert.objects.count() == before


@pytest.mark.django_db
def test_a_providers_words_raise_no_alert(message_world: MessageWorld):
    before = RedFlagAlert.objects.count()
    sent = reply(
        message_world.team_thread,
        message_world.actor("physical_therapy"),
        "If you notice numbness in your legs or bladder changes, call 999.",
    )
    assert sent.message.alert is None
    assert RedFlagAlert.objects.count() == before


@pytest.mark.django_db
def test_words_of_self_harm_to_the_mental_health_professional_bring_crisis_advice(
    message_world: MessageWorld,
):
    client = client_for(message_world.actor("patient"))
    response = client.post(
        my_thread_url(message_world.mind_thread), {"body": "Lately I want to die some nights"}
    )
    page = client.get(response["Location"]).content.decode()
    assert "Please talk to someone now" in page
    assert "crisis line" in page
    message = Message.objects.get(body="Lately I want to die some nights")
    assert message.alert.flags == [SELF_HARM_IN_MESSAGE]
    assert message.alert.flag_labels() == ["Words of self-harm in a message"]


def alert_emails() -> list:
    return [email for email in mail.outbox if email.subject.startswith("Urgent")]


@pytest.mark.django_db
def test_words_of_self_harm_email_the_mental_health_member_and_the_lead_without_details(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    team = message_world.portal.team
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = reply(
            message_world.mind_thread,
            message_world.actor("patient"),
            "They'd be better off without me, OWLGATE",
        )
    assert sent.message.red_flags == [SELF_HARM_IN_MESSAGE]
    emails = alert_emails()
    assert sorted(address for email in emails for address in email.to) == sorted(
        [team.lead.email, team.mental_health.email]
    )
    (to_mind,) = [email for email in emails if email.to == [team.mental_health.email]]
    assert "on a care plan you are on" in to_mind.body
    plan_url = reverse("careteam:plan-detail", args=[message_world.plan.pk])
    assert plan_url in to_mind.body
    patient = message_world.portal.patient
    for email in emails:
        text = (email.subject + email.body).lower()
        for secret in ("owlgate", "better off", "self-harm", "self harm", "suicid", "mental"):
            assert secret not in text
        assert patient.family_name.lower() not in text
        assert patient.record_number.lower() not in text
        assert message_world.mind_thread.subject.lower() not in text
    created = AuditEvent.objects.get(
        action=AuditAction.CREATED,
        target_object_id=str(sent.message.alert.pk),
        detail__kind="message_flags",
    )
    assert sorted(created.detail["notified"]) == sorted(
        [team.lead.get_username(), team.mental_health.get_username()]
    )


@pytest.mark.django_db
def test_a_body_red_flag_emails_only_the_lead_not_the_mental_health_member(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    team = message_world.portal.team
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply(message_world.team_thread, message_world.actor("patient"), "My legs buckled")
    emails = alert_emails()
    assert [email.to for email in emails] == [[team.lead.email]]
    assert "on a care plan you lead" in emails[0].body


@pytest.mark.django_db
def test_a_mental_health_member_who_left_before_the_email_went_is_not_emailed(
    message_world: MessageWorld,
):
    team = message_world.portal.team
    sent = reply(message_world.mind_thread, message_world.actor("patient"), "I wish I was dead")
    remove_member(message_world.plan, team.lead, team.mental_health)
    mail.outbox.clear()
    assert send_red_flag_alert_email.call(sent.message.alert.pk, team.mental_health.pk) is False
    assert send_red_flag_alert_email.call(sent.message.alert.pk, team.lead.pk) is True
    assert [email.to for email in mail.outbox] == [[team.lead.email]]


@pytest.mark.django_db
def test_a_new_thread_with_red_flags_shows_the_advice_too(message_world: MessageWorld):
    client = client_for(message_world.actor("patient"))
    response = client.post(
        reverse("messaging:messages"),
        {
            "plan": message_world.plan.pk,
            "audience": Audience.TEAM,
            "subject": "Since yesterday",
            "body": "I have lost control of my bladder",
        },
    )
    assert response.status_code == 302
    assert "Get urgent medical help now" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_sent_parameter_shows_nothing_for_someone_elses_message(message_world: MessageWorld):
    sent = start_thread(
        message_world.plan,
        message_world.actor("patient"),
        audience=Audience.TEAM,
        subject="Help",
        body="My legs are numb",
    )
    lead = client_for(message_world.actor("lead"))
    url = reverse(
        "messaging_team:thread",
        kwargs={"plan_id": message_world.plan.pk, "thread_id": sent.message.thread_id},
    )
    page = lead.get(f"{url}?sent={sent.message.pk}").content.decode()
    assert "Get urgent medical help now" not in page
    assert "Raised an alert" in page


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["messaging:messages", "thread"])
def test_every_message_page_says_it_is_not_for_emergencies(message_world, url_name):
    client = client_for(message_world.actor("patient"))
    url = my_thread_url(message_world.team_thread) if url_name == "thread" else reverse(url_name)
    page = client.get(url).content.decode()
    assert "Messages are not for emergencies" in page
    assert "999" in page and "0161 496 0999" in page


@pytest.mark.django_db
def test_a_message_alert_nobody_acknowledges_escalates_like_a_check_ins(
    message_world: MessageWorld, django_capture_on_commit_callbacks
):
    sent = reply(message_world.team_thread, message_world.actor("patient"), "Numb legs SHINMARK")
    alert = sent.message.alert
    mail.outbox.clear()
    later = alert.created_at + escalation_delay() + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_overdue_alerts(now=later) == [alert]
    assert RedFlagAlert.objects.get(pk=alert.pk).escalated_at is not None
    bodies = [email.body for email in mail.outbox]
    assert bodies and all("in a message to the team" in body for body in bodies)
    assert all("SHINMARK" not in body and "Numb" not in body for body in bodies)


@pytest.mark.django_db
def test_the_api_lists_a_message_alert_with_its_red_flags_only(message_world: MessageWorld):
    reply(message_world.mind_thread, message_world.actor("patient"), "Numb legs; I want to die")
    client = token_client(message_world.actor("mental_health"))
    response = client.get(f"/api/v1/plans/{message_world.plan.pk}/alerts")
    assert response.status_code == 200
    (alert,) = [row for row in response.json() if row["kind"] == "message_flags"]
    assert alert["flags"] == [LEGS]
