"""Fixtures for the provider web UI tests: the domain helper's ``care_team`` plus the
people who must be kept out (a removed member, the plan's own patient, an editor, a
superuser) and some content in every part of the plan, with texts tests look for."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group

from careteam.models import (
    Activity,
    CarePlan,
    CareTeamMembership,
    Discipline,
    Goal,
    Precaution,
    PrivateNote,
    TeamNote,
    TeamRole,
)
from careteam.services import (
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_activity,
    create_care_plan,
    create_goal,
    create_patient,
    remove_member,
)
from tests.careteam_domain_fixtures import CareTeam, make_provider, make_user

PATIENT_FAMILY_NAME = "Example T-0001"
TEAM_NOTE_TEXT = "Flare settled after the pacing change; keep loads low this week."
PRIVATE_NOTE_TEXT = "Discussed fear of movement and a difficult month at home."
PRECAUTION_TEXT = "No deep or end-range stretching of the lower back."
GOAL_TEXT = "Walk 30 minutes without a flare."
ACTIVITY_TEXT = "Side-lying core stability set"

# Text from the plan that a refused response must never contain.
PLAN_SECRETS = (
    PATIENT_FAMILY_NAME,
    "Build core stability.",
    TEAM_NOTE_TEXT,
    PRIVATE_NOTE_TEXT,
    PRECAUTION_TEXT,
    GOAL_TEXT,
    ACTIVITY_TEXT,
)


@dataclass
class UiTeam:
    team: CareTeam
    plan: CarePlan
    goal: Goal
    activity: Activity
    precaution: Precaution
    team_note: TeamNote
    private_note: PrivateNote
    removed: object
    patient_user: object
    editor: object
    superuser: object
    free_provider: object
    contributor_membership: CareTeamMembership
    # Filled by tests that need them: the lead of the patient's other plan, an open alert.
    other_lead: object = None
    alert: object = None

    def actor(self, name: str):
        return {
            "lead": self.team.lead,
            "physical_therapy": self.team.physio,
            "mental_health": self.team.mental_health,
            "contributor": self.team.contributor,
            "outsider": self.team.spare_physician,
            "other_lead": self.other_lead,
            "removed": self.removed,
            "patient": self.patient_user,
            "editor": self.editor,
            "superuser": self.superuser,
            "anonymous": None,
        }[name]


@pytest.fixture
def ui_team(care_team: CareTeam) -> UiTeam:
    plan, lead = care_team.plan, care_team.lead
    physio_section = care_team.section(Discipline.PHYSICAL_THERAPY)
    goal = create_goal(physio_section, lead, description=GOAL_TEXT, measure="Minutes walked")
    activity = create_activity(
        physio_section, lead, kind="exercise", title=ACTIVITY_TEXT, schedule="Daily"
    )
    precaution = add_precaution(plan, lead, description=PRECAUTION_TEXT)
    team_note = add_team_note(plan, care_team.physio, TEAM_NOTE_TEXT)
    private_note = add_private_note(plan, care_team.mental_health, PRIVATE_NOTE_TEXT)

    removed = make_provider("t.former", Discipline.PHYSICAL_THERAPY)
    add_member(plan, lead, removed, TeamRole.CONTRIBUTOR)
    remove_member(plan, lead, removed)

    patient_user = make_user("t.patient")
    plan.patient.user = patient_user
    plan.patient.save(update_fields=["user"])
    editor = make_user("t.editor", is_staff=True)
    editors, _ = Group.objects.get_or_create(name="Editors")
    editor.groups.add(editors)
    superuser = make_user("t.root", is_staff=True, is_superuser=True)
    free_provider = make_provider("t.newcomer", Discipline.NURSING)

    plan.refresh_from_db()
    membership = CareTeamMembership.objects.active().get(plan=plan, user=care_team.contributor)
    return UiTeam(
        team=care_team,
        plan=plan,
        goal=goal,
        activity=activity,
        precaution=precaution,
        team_note=team_note,
        private_note=private_note,
        removed=removed,
        patient_user=patient_user,
        editor=editor,
        superuser=superuser,
        free_provider=free_provider,
        contributor_membership=membership,
    )


def add_plans(lead, count: int, *, start: int = 100, notes: int = 1) -> list[CarePlan]:
    """``count`` more plans led by ``lead``, each with ``notes`` team notes."""
    plans = []
    for number in range(start, start + count):
        patient = create_patient(
            lead,
            given_name="Robin",
            family_name=f"Bulk{number}",
            date_of_birth=datetime.date(1985, 1, 1),
            record_number=f"B-{number:04d}",
        )
        plan = create_care_plan(lead, patient, title=f"Plan {number}")
        for index in range(notes):
            add_team_note(plan, lead, f"Note {index} on plan {number}")
        plans.append(plan)
    return plans
