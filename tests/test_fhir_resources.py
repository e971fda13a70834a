"""What /fhir/ returns: every resource and Bundle parses as FHIR R4B and keeps its
required bindings; codes, doNotPerform, precautions; nothing the reader may not see."""

from __future__ import annotations

import pytest

from careteam.models import Activity, ActivityKind, Discipline, Goal
from careteam.services import create_activity

pytest_plugins = ["tests.fhir_fixtures"]


def every_path(world) -> list[str]:
    plan, patient = world.plan.pk, world.plan.patient_id
    goal = Goal.objects.filter(section__plan=world.plan, visible_to_patient=True).first()
    return [
        "metadata",
        "Patient",
        f"Patient/{patient}",
        "CarePlan",
        f"CarePlan/{plan}",
        f"CarePlan/{plan}/$everything",
        "CareTeam",
        f"CareTeam/{plan}",
        "Goal",
        f"Goal/{goal.pk}",
        "Observation",
        f"Observation/pain-{world.check_in.pk}",
        f"Observation/odi-{world.odi.pk}",
        "QuestionnaireResponse",
        f"QuestionnaireResponse/odi-{world.odi.pk}",
    ]


@pytest.mark.parametrize("who", ["lead", "patient"])
def test_every_resource_and_bundle_parses_as_r4b_and_keeps_its_required_bindings(
    fhir_world, who, fhir
):
    user = fhir_world.team.lead if who == "lead" else fhir_world.portal.patient_user
    for path in every_path(fhir_world):
        response = fhir.get(user, path)
        assert response.status_code == 200, path
        fhir.valid(response)


def test_a_bundle_with_a_code_outside_its_value_set_is_caught_by_the_binding_check(fhir):
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [{"resource": {"resourceType": "CarePlan", "status": "paused", "intent": "plan"}}],
    }
    assert fhir.binding_errors(bundle) == ["CarePlan.status='paused'"]


def test_refusals_and_bad_requests_are_operation_outcomes(fhir_world, fhir):
    for path in ("CarePlan/999999", "Nonsense", "Observation?patient=not-an-id", "Goal/abc"):
        response = fhir.get(fhir_world.team.lead, path)
        assert 400 <= response.status_code < 500
        body = fhir.valid(response)
        assert body["resourceType"] == "OperationOutcome"
        assert body["issue"][0]["severity"] == "error"


def test_pain_scores_are_loinc_72514_3_observations_with_the_score(fhir_world, fhir):
    body = fhir.valid(fhir.get(fhir_world.team.lead, f"Observation/pain-{fhir_world.check_in.pk}"))
    assert body["code"]["coding"][0]["system"] == "http://loinc.org"
    assert body["code"]["coding"][0]["code"] == "72514-3"
    assert body["valueInteger"] == 6
    assert body["subject"] == {"reference": f"Patient/{fhir_world.plan.patient_id}"}


def test_an_odi_result_is_a_questionnaire_response_and_a_loinc_97909_6_observation(
    fhir_world, fhir
):
    odi = fhir_world.odi
    answers = fhir.valid(fhir.get(fhir_world.team.lead, f"QuestionnaireResponse/odi-{odi.pk}"))
    assert answers["status"] == "completed"
    by_link = {item["linkId"]: item for item in answers["item"]}
    assert by_link["lifting"]["answer"] == [{"valueInteger": 2}]
    assert "answer" not in by_link["sex_life"]  # skipped
    score = fhir.valid(fhir.get(fhir_world.team.lead, f"Observation/odi-{odi.pk}"))
    assert score["code"]["coding"][0]["code"] == "97909-6"
    assert score["valueQuantity"]["value"] == odi.score == 40
    assert score["derivedFrom"] == [{"reference": f"QuestionnaireResponse/odi-{odi.pk}"}]


def test_observations_are_searched_by_patient_and_loinc_code(fhir_world, fhir):
    patient = f"Patient/{fhir_world.plan.patient_id}"
    pain = fhir.valid(
        fhir.get(
            fhir_world.team.lead, "Observation", patient=patient, code="http://loinc.org|72514-3"
        )
    )
    assert sorted(entry["resource"]["valueInteger"] for entry in pain["entry"]) == [4, 6]
    odi = fhir.valid(fhir.get(fhir_world.team.lead, "Observation", patient=patient, code="97909-6"))
    assert [entry["resource"]["id"] for entry in odi["entry"]] == [f"odi-{fhir_world.odi.pk}"]
    wrong_system = fhir.get(
        fhir_world.team.lead, "Observation", code="http://snomed.info/sct|72514-3"
    )
    assert fhir.valid(wrong_system)["total"] == 0


def test_care_plans_are_searched_by_patient_and_status(fhir_world, fhir):
    lead = fhir_world.team.lead
    mine = fhir.valid(fhir.get(lead, "CarePlan", patient=str(fhir_world.plan.patient_id)))
    assert [entry["resource"]["id"] for entry in mine["entry"]] == [str(fhir_world.plan.pk)]
    assert fhir.valid(fhir.get(lead, "CarePlan", status="active"))["total"] == 2
    assert fhir.valid(fhir.get(lead, "CarePlan", status="draft,completed"))["total"] == 0


def test_the_care_team_codes_each_discipline_in_snomed_ct(fhir_world, fhir):
    team = fhir.valid(fhir.get(fhir_world.team.lead, f"CareTeam/{fhir_world.plan.pk}"))
    assert team["status"] == "active"
    codes = [
        [coding["code"] for coding in participant["role"][0]["coding"]]
        for participant in team["participant"]
    ]
    assert ["309343006", "lead"] in codes  # physician
    assert ["36682004", "physical_therapy"] in codes  # physiotherapist
    assert ["59944000", "mental_health"] in codes  # psychologist
    names = [participant["member"]["display"] for participant in team["participant"]]
    assert not any("t.former" in name for name in names)  # the removed member


def test_an_activity_to_avoid_is_do_not_perform_and_precautions_are_notes(fhir_world, fhir):
    section = fhir_world.plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    create_activity(
        section,
        fhir_world.team.physio,
        kind=ActivityKind.EXERCISE,
        title="Deep end-range hamstring stretch",
        do_not_perform=True,
    )
    plan = fhir.valid(fhir.get(fhir_world.portal.patient_user, f"CarePlan/{fhir_world.plan.pk}"))
    avoid = [a["detail"] for a in plan["activity"] if a["detail"]["doNotPerform"]]
    assert [detail["code"]["text"] for detail in avoid] == ["Deep end-range hamstring stretch"]
    assert plan["intent"] == "plan" and plan["status"] == "active"
    assert {"text": "Precaution: No deep or end-range stretching"} in plan["note"]


def test_private_and_team_notes_are_never_exported(fhir_world, fhir):
    for user in (
        fhir_world.team.mental_health,
        fhir_world.team.lead,
        fhir_world.portal.patient_user,
    ):
        for path in every_path(fhir_world):
            text = fhir.get(user, path).content.decode()
            assert "PRIVATE NOTE" not in text and "TEAM NOTE" not in text


def test_a_patient_gets_only_what_their_plan_page_shows(fhir_world, fhir):
    patient = fhir_world.portal.patient_user
    bundle = fhir.get(patient, f"CarePlan/{fhir_world.plan.pk}/$everything").content.decode()
    assert "ALEX walk 30 minutes" in bundle and "ALEX dead bug core hold" in bundle
    assert "HIDDEN" not in bundle
    assert "OTHER" not in bundle
    hidden = Activity.objects.filter(section__plan=fhir_world.plan, visible_to_patient=False)
    assert hidden.exists()
    hidden_goal = Goal.objects.get(section__plan=fhir_world.plan, visible_to_patient=False)
    assert fhir.get(patient, f"Goal/{hidden_goal.pk}").status_code == 404
    assert fhir.get(fhir_world.team.lead, f"Goal/{hidden_goal.pk}").status_code == 200


def test_everything_holds_the_plan_its_team_goals_patient_and_observations(fhir_world, fhir):
    bundle = fhir.valid(
        fhir.get(fhir_world.team.physio, f"CarePlan/{fhir_world.plan.pk}/$everything")
    )
    modes = {(e["resource"]["resourceType"], e["search"]["mode"]) for e in bundle["entry"]}
    assert modes == {
        ("CarePlan", "match"),
        ("CareTeam", "include"),
        ("Goal", "include"),
        ("Patient", "include"),
        ("Observation", "include"),
        ("QuestionnaireResponse", "include"),
    }
    ids = {e["resource"]["id"] for e in bundle["entry"]}
    assert f"pain-{fhir_world.other_check_in.pk}" not in ids  # another patient's


def test_the_capability_statement_lists_exactly_what_is_served(fhir_world, client, fhir):
    body = fhir.valid(client.get("/fhir/metadata"))
    served = {resource["type"]: resource for resource in body["rest"][0]["resource"]}
    assert set(served) == {
        "Patient",
        "CarePlan",
        "CareTeam",
        "Goal",
        "Observation",
        "QuestionnaireResponse",
    }
    for resource_type, resource in served.items():
        assert {i["code"] for i in resource["interaction"]} == {"read", "search-type"}
        for param in resource["searchParam"]:
            response = fhir.get(fhir_world.team.lead, resource_type, **{param["name"]: "1"})
            assert response.status_code in (200, 400), (resource_type, param["name"])
    assert [op["name"] for op in served["CarePlan"]["operation"]] == ["everything"]
    for unserved in ("Practitioner", "Condition", "Questionnaire"):
        assert fhir.get(fhir_world.team.lead, unserved).status_code == 404
