"""Care-team fixtures: a plan with a lead, a physical therapist, a mental-health
professional and a contributor, plus providers and users who are not on it.

Registered in tests/conftest.py: use the ``care_team`` fixture in any test.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model

from careteam.models import CarePlan, Discipline, PlanSection, TeamRole
from careteam.services import add_member, create_care_plan, create_patient, create_provider

# Every user ``make_user`` creates logs in with this (the browser tests type it).
PASSWORD = "x-test-pass-1"


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@clinic.example", password=PASSWORD, **extra
    )


def make_provider(username: str, discipline: str, **extra):
    user = make_user(username, **extra)
    create_provider(user, discipline=discipline, credentials="Test")
    return user


def make_plan(lead, record_number: str, *, title: str = "Stability first") -> CarePlan:
    patient = create_patient(
        lead,
        given_name="Pat",
        family_name=f"Example {record_number}",
        date_of_birth=datetime.date(1990, 5, 17),
        record_number=record_number,
    )
    return create_care_plan(lead, patient, title=title, patient_summary="Build core stability.")


@dataclass
class CareTeam:
    plan: CarePlan
    lead: object
    physio: object
    mental_health: object
    contributor: object
    outsider: object
    spare_physician: object

    def section(self, discipline: str) -> PlanSection:
        return self.plan.sections.get(discipline=discipline)

    def by_role(self, role: str):
        return {
            TeamRole.LEAD: self.lead,
            TeamRole.PHYSICAL_THERAPY: self.physio,
            TeamRole.MENTAL_HEALTH: self.mental_health,
            TeamRole.CONTRIBUTOR: self.contributor,
        }[role]


def build_care_team(prefix: str = "t") -> CareTeam:
    lead = make_provider(f"{prefix}.lead", Discipline.PAIN_MANAGEMENT)
    physio = make_provider(f"{prefix}.physio", Discipline.PHYSICAL_THERAPY)
    mental_health = make_provider(f"{prefix}.mind", Discipline.MENTAL_HEALTH)
    contributor = make_provider(f"{prefix}.nurse", Discipline.NURSING)
    outsider = make_provider(f"{prefix}.outsider", Discipline.PHYSICAL_THERAPY)
    spare_physician = make_provider(f"{prefix}.spare", Discipline.PAIN_MANAGEMENT)
    plan = make_plan(lead, f"{prefix.upper()}-0001")
    add_member(plan, lead, physio, TeamRole.PHYSICAL_THERAPY)
    add_member(plan, lead, mental_health, TeamRole.MENTAL_HEALTH)
    add_member(plan, lead, contributor, TeamRole.CONTRIBUTOR)
    plan.refresh_from_db()
    return CareTeam(plan, lead, physio, mental_health, contributor, outsider, spare_physician)


@pytest.fixture
def care_team(db) -> CareTeam:
    return build_care_team()
