"""Unread counts (messaging/services/unread.py): per user and thread from their read marker,
in the patient's navigation ("Messages (2)", one query), on the team's dashboard (one
query, flat) and on the thread lists; and the message pages' query counts, flat however
many threads and messages there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging.models import Audience
from messaging.services import reply, start_thread, unread_for_patient, unread_for_provider
from tests.messaging_fixtures import MessageWorld, client_for, my_thread_url, team_thread_url

pytestmark = pytest.mark.django_db


def team_replies(world: MessageWorld, count: int, who: str = "physical_therapy") -> None:
    for number in range(count):
        reply(world.team_thread, world.actor(who), f"Reply {number}")


def test_the_patient_has_nothing_unread_of_their_own(message_world: MessageWorld):
    assert unread_for_patient(message_world.actor("patient")) == 0


def test_replies_are_unread_until_the_patient_opens_the_thread(message_world: MessageWorld):
    patient = message_world.actor("patient")
    team_replies(message_world, 2)
    assert unread_for_patient(patient) == 2
    client = client_for(patient)
    assert "Messages (2<" in client.get(reverse("patientportal:plan")).content.decode()
    client.get(my_thread_url(message_world.team_thread))
    assert unread_for_patient(patient) == 0
    assert "Messages (" not in client.get(reverse("patientportal:plan")).content.decode()


def test_each_member_has_their_own_marker(message_world: MessageWorld):
    lead, physio = message_world.actor("lead"), message_world.actor("physical_therapy")
    assert [row.unread for row in unread_for_provider(lead)] == [1]
    client_for(lead).get(team_thread_url(message_world.team_thread))
    assert unread_for_provider(lead) == []
    assert [row.unread for row in unread_for_provider(physio)] == [1]


def test_a_mental_health_thread_counts_only_for_the_mental_health_member(
    message_world: MessageWorld,
):
    mind = message_world.actor("mental_health")
    assert [row.unread for row in unread_for_provider(mind)] == [2]
    assert [row.unread for row in unread_for_provider(message_world.actor("lead"))] == [1]
    assert unread_for_provider(message_world.actor("outsider")) == []
    assert unread_for_provider(message_world.actor("removed")) == []


def test_the_dashboard_lists_unread_messages_by_plan(message_world: MessageWorld):
    page = client_for(message_world.actor("lead")).get(reverse("careteam:dashboard"))
    text = page.content.decode()
    assert "Unread messages (1)" in text
    assert reverse("messaging_team:messages", args=[message_world.plan.pk]) in text


def test_the_thread_list_shows_each_threads_unread_count(message_world: MessageWorld):
    team_replies(message_world, 3)
    client = client_for(message_world.actor("patient"))
    assert "3 new" in client.get(reverse("messaging:messages")).content.decode()


# --- Query counts --------------------------------------------------------------------------


def test_the_patients_count_is_one_query(message_world: MessageWorld, django_assert_num_queries):
    patient = message_world.actor("patient")
    with django_assert_num_queries(1):
        unread_for_patient(patient)


def test_the_dashboards_count_is_one_query(message_world: MessageWorld, django_assert_num_queries):
    lead = message_world.actor("lead")
    with django_assert_num_queries(1):
        unread_for_provider(lead)


def count_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def grow(world: MessageWorld, threads: int, messages: int) -> None:
    patient = world.actor("patient")
    for number in range(threads):
        start_thread(world.plan, patient, audience=Audience.TEAM, subject=f"T{number}", body="Hi")
    team_replies(world, messages)


@pytest.mark.parametrize("who", ["patient", "lead", "mental_health"])
def test_the_message_pages_take_the_same_queries_however_many_messages(
    message_world: MessageWorld, who: str
):
    client = client_for(message_world.actor(who))
    if who == "patient":
        urls = [reverse("messaging:messages"), my_thread_url(message_world.team_thread)]
    else:
        urls = [
            reverse("messaging_team:messages", args=[message_world.plan.pk]),
            team_thread_url(message_world.team_thread),
        ]
    small = [count_queries(client, url) for url in urls]
    grow(message_world, threads=6, messages=8)
    large = [count_queries(client, url) for url in urls]
    assert small == large
    assert max(large) <= 16
