"""Searches and ``$everything`` cost a fixed number of queries, however much they return
(the numbers include the session, the login and the audit INSERT)."""

from __future__ import annotations

import pytest
from django.test import Client

from careteam.models import ActivityKind, Discipline, TeamRole
from careteam.services import add_member, create_activity, create_goal
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import ODI, PHQ9, PSFS
from tests.careteam_domain_fixtures import make_provider

pytest_plugins = ["tests.fhir_fixtures"]

# Path (with "{plan}" for the plan's id) -> queries for the lead, and for the patient.
QUERIES = {
    "CarePlan": (9, 8),
    "CarePlan?status=active": (9, 8),
    "CareTeam": (7, 6),
    "Goal": (6, 5),
    "Patient": (7, 4),
    "Observation": (7, 6),
    "Observation?code=72514-3": (6, 5),
    "QuestionnaireResponse": (6, 5),
    "CarePlan/{plan}/$everything": (18, 15),
}


def grow(world) -> None:
    """More of everything on the plan: another goal, activity, member, check-in, and a
    result of a questionnaire in each kind (the ODI, the PHQ-9: sensitive; the PSFS: no
    LOINC total)."""
    plan, team = world.plan, world.team
    section = plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    create_goal(section, team.physio, description="Climb two flights of stairs")
    create_activity(section, team.physio, kind=ActivityKind.EXERCISE, title="Step-ups")
    add_member(plan, team.lead, make_provider("t.extra", Discipline.NURSING), TeamRole.CONTRIBUTOR)
    record_check_in(world.portal.patient, world.portal.patient_user, pain_score=3)
    patient, user = world.portal.patient, world.portal.patient_user
    record_questionnaire(patient, user, ODI, dict.fromkeys(ODI.item_keys, 1))
    record_questionnaire(patient, user, PHQ9, dict.fromkeys(PHQ9.item_keys, 1))
    record_questionnaire(patient, user, PSFS, {"activity_1": {"name": "Stairs", "rating": 4}})


def warmed_up(user, url: str) -> Client:
    """A logged-in client that already asked once: the process's caches (content types,
    permissions) are not in the count. The session is saved only when the last activity is
    a minute old (accounts.sessions), so not here."""
    client = Client()
    client.force_login(user)
    client.get(url)
    return client


@pytest.mark.parametrize("who", ["lead", "patient"])
@pytest.mark.parametrize("path", list(QUERIES))
def test_a_search_costs_the_same_queries_however_much_it_finds(
    fhir_world, django_assert_num_queries, path, who
):
    user = fhir_world.team.lead if who == "lead" else fhir_world.portal.patient_user
    expected = QUERIES[path][0 if who == "lead" else 1]
    url = "/fhir/" + path.format(plan=fhir_world.plan.pk)
    client = warmed_up(user, url)
    with django_assert_num_queries(expected):
        small = client.get(url).json()
    grow(fhir_world)
    with django_assert_num_queries(expected):
        large = client.get(url).json()
    assert len(large.get("entry", [])) >= len(small.get("entry", [])) > 0


def test_a_search_comes_in_pages_with_a_next_link_and_the_total(fhir_world, fhir):
    lead = fhir_world.portal.lead
    everything = fhir.valid(fhir.get(lead, "Goal"))
    assert everything["total"] >= 3

    first = fhir.valid(fhir.get(lead, "Goal", _count="2"))

    assert len(first["entry"]) == 2 and first["total"] == everything["total"]
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    assert "_offset=2" in next_url
    second = fhir.valid(fhir.get(lead, "Goal", _count="2", _offset="2"))
    ids = {entry["resource"]["id"] for entry in first["entry"] + second.get("entry", [])}
    assert len(ids) == min(4, everything["total"])
    refused = fhir.get(lead, "Goal", _count="5000")
    assert refused.status_code == 400 and fhir.valid(refused)["resourceType"] == "OperationOutcome"
