"""Who reads and writes which threads of a plan's secure messages (messaging/access.py):
every role on the team, a physician on no team, a removed member, an emergency access, the
plan's own patient and another patient; threads to the mental-health professional for the
mental-health members only; removal from the team ends access with the next request; and
messages are never changed or deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.services import CareAccessDenied, remove_member
from messaging.models import Audience, Message, MessageNotEditable, Thread
from messaging.services import reply, start_thread
from tests.messaging_fixtures import (
    MIND_BODY,
    MIND_SUBJECT,
    TEAM_BODY,
    TEAM_SUBJECT,
    MessageWorld,
    client_for,
    my_thread_url,
    team_thread_url,
)
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db

# The team's pages (/care/plans/<id>/messages/...): GET of the list, the thread to the whole
# team and the thread to the mental-health professional.
TEAM_PAGES = {
    "lead": (200, 200, 403),
    "physical_therapy": (200, 200, 403),
    "mental_health": (200, 200, 200),
    "contributor": (200, 200, 403),
    "emergency": (200, 200, 403),
    "outsider": (404, 404, 404),
    "removed": (404, 404, 404),
    "patient": (404, 404, 404),
    "other_patient": (404, 404, 404),
}
# The patient's pages (/my/messages/...): the thread to the whole team and the other.
MY_PAGES = {
    "patient": (200, 200),
    "other_patient": (404, 404),
    "lead": (404, 404),
    "mental_health": (404, 404),
    "emergency": (404, 404),
}


def list_url(world: MessageWorld) -> str:
    return reverse("messaging_team:messages", kwargs={"plan_id": world.plan.pk})


@pytest.mark.parametrize("actor", list(TEAM_PAGES))
def test_each_role_reads_only_the_team_threads_the_policy_allows(
    message_world: MessageWorld, actor: str
):
    client = client_for(message_world.actor(actor))
    statuses = (
        client.get(list_url(message_world)).status_code,
        client.get(team_thread_url(message_world.team_thread)).status_code,
        client.get(team_thread_url(message_world.mind_thread)).status_code,
    )
    assert statuses == TEAM_PAGES[actor]


@pytest.mark.parametrize("actor", list(TEAM_PAGES))
def test_no_one_refused_sees_a_word_of_the_thread(message_world: MessageWorld, actor: str):
    client = client_for(message_world.actor(actor))
    for thread, secrets in (
        (message_world.team_thread, (TEAM_SUBJECT, TEAM_BODY)),
        (message_world.mind_thread, (MIND_SUBJECT, MIND_BODY)),
    ):
        denied_before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
        response = client.get(team_thread_url(thread))
        body = response.content.decode()
        if response.status_code == 200:
            assert all(secret in body for secret in secrets)
            continue
        assert not any(secret in body for secret in secrets)
        assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() > denied_before


def test_the_thread_list_leaves_out_the_mental_health_thread_for_the_rest_of_the_team(
    message_world: MessageWorld,
):
    lead = client_for(message_world.actor("lead")).get(list_url(message_world)).content.decode()
    mind = client_for(message_world.actor("mental_health")).get(list_url(message_world))
    assert TEAM_SUBJECT in lead and MIND_SUBJECT not in lead
    assert TEAM_SUBJECT in mind.content.decode() and MIND_SUBJECT in mind.content.decode()


@pytest.mark.parametrize("actor", list(MY_PAGES))
def test_a_patient_reads_every_thread_of_their_own_plan_and_nobody_elses(
    message_world: MessageWorld, actor: str
):
    client = client_for(message_world.actor(actor))
    statuses = (
        client.get(my_thread_url(message_world.team_thread)).status_code,
        client.get(my_thread_url(message_world.mind_thread)).status_code,
    )
    assert statuses == MY_PAGES[actor]


def test_another_patients_list_shows_none_of_these_threads(message_world: MessageWorld):
    body = client_for(message_world.actor("other_patient")).get(reverse("messaging:messages"))
    text = body.content.decode()
    assert body.status_code == 200
    assert TEAM_SUBJECT not in text and MIND_SUBJECT not in text


def test_an_emergency_access_reads_but_cannot_write(message_world: MessageWorld):
    client = client_for(message_world.actor("emergency"))
    before = Message.objects.count()
    reply_post = client.post(team_thread_url(message_world.team_thread), {"body": "Hello"})
    new_post = client.post(
        list_url(message_world), {"audience": "team", "subject": "Hi", "body": "Hello"}
    )
    assert reply_post.status_code == new_post.status_code == 403
    assert Message.objects.count() == before
    with pytest.raises(CareAccessDenied):
        reply(message_world.team_thread, message_world.actor("emergency"), "Hello")


def test_the_lead_cannot_write_into_a_mental_health_thread_nor_start_one(
    message_world: MessageWorld,
):
    lead = message_world.actor("lead")
    with pytest.raises(CareAccessDenied) as refused:
        reply(message_world.mind_thread, lead, "Checking in")
    assert refused.value.status_code == 403
    with pytest.raises(CareAccessDenied):
        start_thread(
            message_world.plan, lead, audience=Audience.MENTAL_HEALTH, subject="S", body="B"
        )
    response = client_for(lead).post(team_thread_url(message_world.mind_thread), {"body": "Hi"})
    assert response.status_code == 403
    assert not Message.objects.filter(author=lead).exists()


def test_every_member_may_start_a_thread_with_the_patient(message_world: MessageWorld):
    physio = message_world.actor("physical_therapy")
    sent = start_thread(
        message_world.plan, physio, audience=Audience.TEAM, subject="Your exercises", body="Hi"
    )
    assert sent.message.thread.started_by == physio and not sent.message.from_patient
    mind = message_world.actor("mental_health")
    sent = start_thread(
        message_world.plan,
        mind,
        audience=Audience.MENTAL_HEALTH,
        subject="Our next talk",
        body="Hi",
    )
    assert sent.message.thread.for_mental_health


def test_a_removed_member_loses_access_at_the_next_request(message_world: MessageWorld):
    physio = message_world.actor("physical_therapy")
    client = client_for(physio)
    url = team_thread_url(message_world.team_thread)
    assert client.get(url).status_code == 200
    remove_member(message_world.plan, message_world.actor("lead"), physio)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "Still here?"}).status_code == 404
    with pytest.raises(CareAccessDenied):
        reply(message_world.team_thread, physio, "Still here?")
    assert not Message.objects.filter(author=physio).exists()


def test_a_thread_id_under_another_plan_is_not_found(message_world: MessageWorld):
    other = message_world.portal.other_plan
    url = reverse(
        "messaging_team:thread",
        kwargs={"plan_id": other.pk, "thread_id": message_world.team_thread.pk},
    )
    assert client_for(message_world.actor("lead")).get(url).status_code == 404


def test_a_patient_cannot_write_into_another_patients_thread(message_world: MessageWorld):
    other = message_world.actor("other_patient")
    response = client_for(other).post(my_thread_url(message_world.team_thread), {"body": "Hi"})
    assert response.status_code == 404
    with pytest.raises(CareAccessDenied):
        reply(message_world.team_thread, other, "Hi")
    assert not Message.objects.filter(author=other).exists()


def test_a_mental_health_thread_needs_a_mental_health_member_on_the_team(
    message_world: MessageWorld,
):
    portal = message_world.portal
    other_user = portal.other_user
    remove_member(portal.other_plan, portal.lead, portal.team.mental_health)
    response = client_for(other_user).post(
        reverse("messaging:messages"),
        {"plan": portal.other_plan.pk, "audience": "mental_health", "subject": "S", "body": "B"},
    )
    assert response.status_code == 400
    assert "no mental-health professional" in response.content.decode()
    assert not Thread.objects.filter(plan=portal.other_plan).exists()


# --- Never edited, never deleted -----------------------------------------------------------


def test_a_sent_message_cannot_be_changed_or_deleted(message_world: MessageWorld):
    message = message_world.team_thread.messages.get()
    message.body = "Something else"
    with pytest.raises(MessageNotEditable):
        message.save()
    with pytest.raises(MessageNotEditable):
        message.delete()
    with pytest.raises(MessageNotEditable):
        Message.objects.filter(pk=message.pk).update(body="Something else")
    with pytest.raises(MessageNotEditable):
        Message.objects.filter(pk=message.pk).delete()
    with pytest.raises(MessageNotEditable):
        message_world.team_thread.messages.all().delete()
    assert Message.objects.get(pk=message.pk).body == TEAM_BODY


def test_a_correction_is_a_new_message(message_world: MessageWorld):
    patient = message_world.actor("patient")
    reply(message_world.team_thread, patient, "Correction: I meant a half day, not a full one.")
    bodies = list(message_world.team_thread.messages.values_list("body", flat=True))
    assert bodies[0] == TEAM_BODY and bodies[1].startswith("Correction")


def test_no_page_edits_or_deletes_a_message(message_world: MessageWorld):
    url = team_thread_url(message_world.team_thread)
    for suffix in ("edit/", "delete/", "1/edit/"):
        assert client_for(message_world.actor("lead")).get(url + suffix).status_code == 404


# --- Audited -------------------------------------------------------------------------------


def test_reading_a_thread_and_sending_are_audited_without_the_words(message_world: MessageWorld):
    physio = message_world.actor("physical_therapy")
    thread = message_world.team_thread
    client_for(physio).get(team_thread_url(thread))
    viewed = AuditEvent.objects.filter(actor=physio, action=AuditAction.VIEWED).order_by("pk")
    assert viewed.filter(detail__what="message_thread", target_object_id=str(thread.pk)).exists()
    sent = reply(thread, physio, "Try three short breaks PHYSIOWORDS")
    created = AuditEvent.objects.get(
        actor=physio,
        action=AuditAction.CREATED,
        target_object_id=str(sent.message.pk),
        detail__what="message",
    )
    assert created.care_plan_id == message_world.plan.pk
    assert created.detail["thread"] == thread.pk
    assert "PHYSIOWORDS" not in str(created.detail) and "PHYSIOWORDS" not in created.object_repr


def test_the_patients_list_is_audited(message_world: MessageWorld):
    patient = message_world.actor("patient")
    client_for(patient).get(reverse("messaging:messages"))
    event = AuditEvent.objects.filter(actor=patient, action=AuditAction.VIEWED).latest("pk")
    assert event.detail["what"] == "message_threads" and event.detail["threads"] == 2


# --- Whole, accessible pages ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("patient", lambda world: reverse("messaging:messages")),
        ("patient", lambda world: my_thread_url(world.team_thread)),
        ("mental_health", lambda world: list_url(world)),
        ("mental_health", lambda world: team_thread_url(world.mind_thread)),
        ("patient", lambda world: reverse("messaging_account:settings")),
        ("lead", lambda world: reverse("messaging_account:settings")),
    ],
)
def test_every_message_page_is_a_whole_accessible_page(message_world: MessageWorld, who, url):
    response = client_for(message_world.actor(who)).get(url(message_world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert_accessible_page(response.content.decode())


def test_the_plan_page_links_every_member_to_the_messages(message_world: MessageWorld):
    url = reverse("careteam:plan-detail", args=[message_world.plan.pk])
    for who in ("lead", "physical_therapy", "mental_health", "contributor"):
        page = client_for(message_world.actor(who)).get(url).content.decode()
        assert list_url(message_world) in page and "Read and write messages" in page
        assert '<a href="#plan-messages">Messages</a>' in page
