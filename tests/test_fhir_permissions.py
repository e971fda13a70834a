"""Who gets what at /fhir/: exactly the site's rights. A provider on the team and the
patient themselves read; a provider on no team, a removed member, another patient and an
anonymous caller get nothing (404 or 401), and each refusal is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from api.tokens import create_token
from audit.models import AuditAction, AuditEvent
from careteam.models import Goal

pytest_plugins = ["tests.fhir_fixtures"]

SECRETS = ("ALEX", "Stability first", "Example T-0001")


def reads(world) -> list[str]:
    plan = world.plan
    goal = Goal.objects.filter(section__plan=plan, visible_to_patient=True).first()
    return [
        f"Patient/{plan.patient_id}",
        f"CarePlan/{plan.pk}",
        f"CarePlan/{plan.pk}/$everything",
        f"CareTeam/{plan.pk}",
        f"Goal/{goal.pk}",
        f"Observation/pain-{world.check_in.pk}",
        f"Observation/odi-{world.odi.pk}",
        f"QuestionnaireResponse/odi-{world.odi.pk}",
    ]


SEARCHES = ("Patient", "CarePlan", "CareTeam", "Goal", "Observation", "QuestionnaireResponse")


@pytest.mark.parametrize("who", ["lead", "physio", "mental_health", "contributor", "patient"])
def test_the_team_and_the_patient_read_every_resource_of_the_plan(fhir_world, who, fhir):
    user = fhir_world.portal.patient_user if who == "patient" else getattr(fhir_world.team, who)
    for path in reads(fhir_world):
        assert fhir.get(user, path).status_code == 200, path
    for resource_type in SEARCHES:
        assert fhir.get(user, resource_type).json()["total"] >= 1, resource_type


@pytest.mark.parametrize("who", ["provider on no team", "removed member", "another patient"])
def test_someone_without_a_right_gets_404_for_every_read_and_the_refusal_is_audited(
    fhir_world, who, fhir
):
    user = fhir_world.people_without_rights()[who]
    for path in reads(fhir_world):
        before = AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count()
        response = fhir.get(user, path)
        assert response.status_code == 404, path
        assert response.json()["issue"][0]["code"] == "not-found"
        assert not any(secret in response.content.decode() for secret in SECRETS), path
        after = AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED).count()
        assert after == before + 1, path


@pytest.mark.parametrize("who", ["provider on no team", "removed member", "another patient"])
def test_someone_without_a_right_finds_none_of_the_plans_records(fhir_world, who, fhir):
    user = fhir_world.people_without_rights()[who]
    for resource_type in SEARCHES:
        by = "_id" if resource_type == "Patient" else "patient"
        response = fhir.get(user, resource_type, **{by: str(fhir_world.plan.patient_id)})
        assert response.status_code == 200
        assert response.json()["total"] == 0, resource_type
        assert not any(secret in response.content.decode() for secret in SECRETS)


def test_an_anonymous_caller_gets_401_for_everything_but_the_capability_statement(fhir_world, fhir):
    for path in [*reads(fhir_world), *SEARCHES]:
        response = fhir.get(None, path)
        assert response.status_code == 401, path
        assert response.json()["issue"][0]["code"] == "login"
    assert fhir.get(None, "metadata").status_code == 200


def test_a_bearer_token_reads_as_its_user_and_the_read_is_audited_with_its_name(fhir_world):
    made = create_token(fhir_world.team.physio, name="Exercise app", days=30)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    response = client.get(f"/fhir/CarePlan/{fhir_world.plan.pk}")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(
        actor=fhir_world.team.physio, action=AuditAction.VIEWED
    ).latest("pk")
    assert event.care_plan_id == fhir_world.plan.pk
    assert "Exercise app" in event.detail["via"]
    outsider = create_token(fhir_world.team.outsider, name="Curious", days=30)
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {outsider.secret}")
    assert refused.get(f"/fhir/CarePlan/{fhir_world.plan.pk}").status_code == 404


def test_every_read_and_search_is_audited_on_the_plan_it_came_from(fhir_world, fhir):
    lead = fhir_world.team.lead
    for path in [*reads(fhir_world), *SEARCHES]:
        before = AuditEvent.objects.filter(actor=lead, action=AuditAction.VIEWED).count()
        fhir.get(lead, path)
        events = AuditEvent.objects.filter(actor=lead, action=AuditAction.VIEWED).order_by("pk")
        assert events.count() > before, path
        assert fhir_world.plan.pk in {event.care_plan_id for event in events[before:]}, path


def test_a_patients_reads_are_audited_as_theirs(fhir_world, fhir):
    patient = fhir_world.portal.patient_user
    for path in [*reads(fhir_world), *SEARCHES]:
        before = AuditEvent.objects.filter(actor=patient, action=AuditAction.VIEWED).count()
        fhir.get(patient, path)
        viewed = AuditEvent.objects.filter(actor=patient, action=AuditAction.VIEWED)
        assert viewed.count() == before + 1 + path.endswith("$everything"), path
