"""Secure-message fixtures: the portal world's plan with a thread to the whole team and one
to the mental-health professional, both started by the patient through the real service,
and a physician on no team holding an emergency access to the plan."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from careteam.services import add_member, open_emergency_access, remove_member
from messaging.models import Audience, Thread
from messaging.services import start_thread
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import recently_authenticated
from tests.patient_fixtures import PortalWorld

TEAM_SUBJECT = "Pacing on busy days TEAMSUBJECT"
TEAM_BODY = "How many rest breaks should I take on a work day? TEAMBODY"
MIND_SUBJECT = "Worries about work MINDSUBJECT"
MIND_BODY = "I keep lying awake going over things. MINDBODY"
EMERGENCY_REASON = "Seen in the emergency department after a fall; needs the plan."


@dataclass
class MessageWorld:
    portal: PortalWorld
    team_thread: Thread
    mind_thread: Thread
    emergency_physician: object
    removed: object

    @property
    def plan(self):
        return self.portal.plan

    def actor(self, name: str):
        team = self.portal.team
        return {
            "lead": team.lead,
            "physical_therapy": team.physio,
            "mental_health": team.mental_health,
            "contributor": team.contributor,
            "outsider": team.spare_physician,
            "emergency": self.emergency_physician,
            "removed": self.removed,
            "patient": self.portal.patient_user,
            "other_patient": self.portal.other_user,
        }[name]


def team_thread_url(thread: Thread) -> str:
    return reverse(
        "messaging_team:thread", kwargs={"plan_id": thread.plan_id, "thread_id": thread.pk}
    )


def my_thread_url(thread: Thread) -> str:
    return reverse("messaging:thread", args=[thread.pk])


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
        recently_authenticated(client)
    return client


@pytest.fixture
def message_world(portal_world: PortalWorld) -> MessageWorld:
    patient = portal_world.patient_user
    team_thread = start_thread(
        portal_world.plan, patient, audience=Audience.TEAM, subject=TEAM_SUBJECT, body=TEAM_BODY
    ).message.thread
    mind_thread = start_thread(
        portal_world.plan,
        patient,
        audience=Audience.MENTAL_HEALTH,
        subject=MIND_SUBJECT,
        body=MIND_BODY,
    ).message.thread
    physician = make_provider("t.emergency", "pain_management")
    open_emergency_access(physician, portal_world.plan, EMERGENCY_REASON)
    removed = make_provider("t.gone", "physical_therapy")
    add_member(portal_world.plan, portal_world.lead, removed, "contributor")
    remove_member(portal_world.plan, portal_world.lead, removed)
    return MessageWorld(portal_world, team_thread, mind_thread, physician, removed)
