"""Patient-portal fixtures: two patients with logins, each with an active plan, plus the
team-only material (team and private notes, hidden items) a patient must never see.

Registered in tests/conftest.py: use ``portal_world`` in any test.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.utils.text import slugify

from careteam.demo import seed_care_teams
from careteam.models import ActivityKind, CarePlan, CarePlanStatus, Discipline, Patient
from careteam.services import (
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_activity,
    create_care_plan,
    create_goal,
    hand_over_lead,
    update_patient,
)
from patientportal.demo import seed_patients
from patientportal.services.logins import accept_invitation, invite_patient
from portal.models import ContraindicationTag
from tests.careteam_domain_fixtures import make_plan
from tests.portal_fixtures import make_article

PATIENT_PASSWORD = "patient-pass-2026!"


def second_plan_led_by(plan: CarePlan, lead, other_physician, *, title: str = "Injection pathway"):
    """Another active plan for the same patient, started by ``lead`` (who cares for them)
    and handed over to ``other_physician``: a patient with two plans, two leads."""
    second = create_care_plan(lead, plan.patient, title=title)
    hand_over_lead(second, lead, other_physician, former_lead_role=None)
    return activate_plan(second)


def move_patient(world: PortalWorld, zone: str) -> Patient:
    """Set the patient's time zone through the lead's edit of their details; the plan
    carries the moved patient."""
    patient = Patient.objects.get(pk=world.plan.patient_id)
    update_patient(patient, world.lead, patient.version, plan=world.plan, time_zone=zone)
    world.plan.patient = patient
    return patient


def activate_plan(plan: CarePlan) -> CarePlan:
    CarePlan.objects.filter(pk=plan.pk).update(status=CarePlanStatus.ACTIVE)
    plan.refresh_from_db()
    return plan


def give_login(plan: CarePlan, actor, email: str):
    """Invite the plan's patient and accept the invitation: an active patient login."""
    Patient.objects.filter(pk=plan.patient_id).update(email=email)
    plan.patient.refresh_from_db()
    invitation = invite_patient(plan, actor)
    accept_invitation(invitation, PATIENT_PASSWORD)
    invitation.user.refresh_from_db()
    plan.patient.refresh_from_db()
    return invitation.user


def contraindication(name: str) -> ContraindicationTag:
    return ContraindicationTag.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


DEMO_ARTICLE_SLUGS = (
    "hypermobile-lower-back-pain",
    "stability-training-at-home",
    "pacing-and-the-boom-bust-cycle",
    "sleep-and-flares",
)


def seed_demo_patients(articles) -> list[tuple[str, str]]:
    """The demo's care teams and patients, with the articles their reading names (under
    ``articles``) and one that clashes with deep stretching; the patient logins."""
    stretching = contraindication("Deep stretching")
    for slug in DEMO_ARTICLE_SLUGS:
        make_article(articles, slug.replace("-", " ").capitalize())
    clashing = make_article(articles, "Yoga for loose joints")
    clashing.contraindications.set([stretching])
    clashing.save_revision().publish()
    seed_care_teams(io.StringIO())
    return seed_patients(io.StringIO())


@dataclass
class PortalWorld:
    team: object  # tests.careteam_domain_fixtures.CareTeam
    plan: CarePlan
    patient_user: object
    other_plan: CarePlan
    other_user: object
    deep_stretching: ContraindicationTag

    @property
    def patient(self) -> Patient:
        return self.plan.patient

    @property
    def lead(self):
        return self.team.lead


def fill_plan(plan: CarePlan, lead, physio, mind, marker: str) -> None:
    """Visible and hidden goals and activities, and notes, each text tagged with ``marker``."""
    pt = plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    mh = plan.sections.get(discipline=Discipline.MENTAL_HEALTH)
    create_goal(
        pt, physio, description=f"{marker} walk 30 minutes without a flare", target="30 min"
    )
    create_goal(pt, physio, description=f"{marker} HIDDEN goal", visible_to_patient=False)
    create_activity(
        pt,
        physio,
        kind=ActivityKind.EXERCISE,
        title=f"{marker} dead bug core hold",
        schedule="Daily, 10 minutes",
        instructions="Slow and steady; stop before it hurts.",
    )
    create_activity(
        pt,
        physio,
        kind=ActivityKind.EXERCISE,
        title=f"{marker} HIDDEN exercise",
        visible_to_patient=False,
    )
    create_activity(
        mh,
        mind,
        kind=ActivityKind.COPING_STRATEGY,
        title=f"{marker} paced breathing",
        schedule="When pain flares",
    )
    add_team_note(plan, lead, f"{marker} TEAM NOTE secret")
    add_private_note(plan, mind, f"{marker} PRIVATE NOTE secret")


@pytest.fixture
def portal_world(care_team) -> PortalWorld:
    plan = activate_plan(care_team.plan)
    deep_stretching = contraindication("Deep stretching")
    add_precaution(
        plan,
        care_team.lead,
        description="No deep or end-range stretching",
        avoid_tag=deep_stretching,
    )
    fill_plan(plan, care_team.lead, care_team.physio, care_team.mental_health, "ALEX")
    patient_user = give_login(plan, care_team.lead, "pat.one@example.com")

    other_plan = activate_plan(make_plan(care_team.lead, "T-0002", title="Other plan OTHERPLAN"))
    add_member(other_plan, care_team.lead, care_team.physio, "physical_therapy")
    add_member(other_plan, care_team.lead, care_team.mental_health, "mental_health")
    fill_plan(other_plan, care_team.lead, care_team.physio, care_team.mental_health, "OTHER")
    other_user = give_login(other_plan, care_team.lead, "pat.two@example.com")
    plan.refresh_from_db()
    return PortalWorld(care_team, plan, patient_user, other_plan, other_user, deep_stretching)
