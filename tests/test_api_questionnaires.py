"""Questionnaires through the JSON API: a patient answers any of them for themselves
(``POST /api/v1/questionnaire-results/<code>``), checked by the questionnaire engine (422
problem details for answers it cannot score, 404 for an unknown questionnaire); the team
and the patient list the results shared with a plan, a mental-health questionnaire's total
and answers only for those the policy allows, as on the plan page."""

from __future__ import annotations

import uuid

import pytest

from patientportal.models import QuestionnaireResult
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import GAD7, ODI, PEG, PHQ9, PSFS
from tests.api_fixtures import token_client

pytestmark = pytest.mark.django_db
PROBLEM_JSON = "application/problem+json"


def answer(client, code: str, answers, **headers):
    return client.post(f"/api/v1/questionnaire-results/{code}", {"answers": answers}, **headers)


@pytest.mark.parametrize(
    ("code", "answers", "total", "band"),
    [
        (PHQ9.code, dict.fromkeys(PHQ9.item_keys, 1), 9, "Mild depression symptoms"),
        (GAD7.code, dict.fromkeys(GAD7.item_keys, 3), 21, "Severe anxiety symptoms"),
        (PEG.code, {"pain": 4, "enjoyment": 4, "activity": 5}, 4.3, ""),
        (PSFS.code, {"activity_1": {"name": "Gardening", "rating": 6}}, 6, ""),
        (ODI.code, dict.fromkeys(ODI.item_keys, 1) | {"sex_life": None}, 20, "Minimal disability"),
    ],
)
def test_a_patient_answers_each_questionnaire_and_it_is_stored_and_shared(
    portal_world, code, answers, total, band
):
    response = answer(token_client(portal_world.patient_user), code, answers)

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["questionnaire"], body["total"], body["band"]) == (code, total, band)
    assert body["answers"] == {key: answers.get(key) for key in body["answers"]}
    result = QuestionnaireResult.objects.get(pk=body["id"])
    assert result.instrument == code and list(result.plans.all()) == [portal_world.plan]


@pytest.mark.parametrize(
    ("code", "answers", "said"),
    [
        (PHQ9.code, dict.fromkeys(PHQ9.item_keys[:8], 1), "Please answer question 9."),
        (PHQ9.code, dict.fromkeys(PHQ9.item_keys, 4), "must be between 0 and 3"),
        (PEG.code, {"pain": 4, "enjoyment": 4}, "Please answer all 3 questions."),
        (ODI.code, {"jogging": 2}, "has no item called jogging"),
        (ODI.code, {"walking": {"name": "Walk", "rating": 2}}, "must be a whole number"),
        (PSFS.code, {"activity_1": 5}, "needs a name and a number"),
        (PSFS.code, {"activity_1": {"name": "x" * 101, "rating": 5}}, "longer than 100"),
    ],
)
def test_answers_the_engine_cannot_score_are_a_422_problem_saying_why(
    portal_world, code, answers, said
):
    response = answer(token_client(portal_world.patient_user), code, answers)

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    problem = response.json()
    assert said in problem["detail"]
    assert problem["errors"] == [{"field": "answers", "message": problem["detail"]}]
    assert not QuestionnaireResult.objects.exists()


def test_answers_of_the_wrong_type_are_refused_before_the_engine(portal_world):
    api = token_client(portal_world.patient_user)
    for answers in ({"pain": True}, {"pain": "4"}, {"pain": 4.5}, ["pain"]):
        response = answer(api, PEG.code, answers)
        assert response.status_code == 422 and response["Content-Type"] == PROBLEM_JSON
    assert not QuestionnaireResult.objects.exists()


def test_an_unknown_questionnaire_is_404_and_nobody_but_a_patient_answers(portal_world):
    assert answer(token_client(portal_world.patient_user), "sf36", {"q1": 1}).status_code == 404
    lead = token_client(portal_world.lead)
    assert answer(lead, PEG.code, {"pain": 1, "enjoyment": 1, "activity": 1}).status_code == 404
    assert not QuestionnaireResult.objects.exists()


def test_the_same_idempotency_key_sent_again_stores_once(portal_world):
    api = token_client(portal_world.patient_user)
    key = {"HTTP_IDEMPOTENCY_KEY": str(uuid.uuid4())}
    answers = {"pain": 6, "enjoyment": 5, "activity": 4}
    first = answer(api, PEG.code, answers, **key)
    again = answer(api, PEG.code, answers, **key)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert QuestionnaireResult.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "full"),
    [
        ("patient", True),
        ("mental_health", True),
        ("lead", False),
        ("physio", False),
        ("contributor", False),
    ],
)
def test_the_results_list_shows_a_mental_health_total_only_to_whom_the_policy_allows(
    portal_world, who, full
):
    patient, user = portal_world.patient, portal_world.patient_user
    record_questionnaire(patient, user, PHQ9, dict.fromkeys(PHQ9.item_keys, 2))
    record_questionnaire(patient, user, ODI, dict.fromkeys(ODI.item_keys, 2))
    caller = user if who == "patient" else getattr(portal_world.team, who)

    listed = token_client(caller).get(f"/api/v1/plans/{portal_world.plan.pk}/questionnaire-results")

    assert listed.status_code == 200
    odi, phq9 = listed.json()  # newest first
    assert (odi["questionnaire"], odi["total"], odi["answers"]["walking"]) == ("odi", 40, 2)
    assert phq9["band"] == "Moderately severe depression symptoms"  # 18
    if full:
        assert phq9["total"] == 18 and phq9["answers"]["self_harm"] == 2
    else:
        assert phq9["total"] is None and phq9["answers"] is None
