"""Every questionnaire at /fhir/: a QuestionnaireResponse with its canonical, its answers and
its total, and the totals LOINC has a code for as Observations; a mental-health
questionnaire's answers and total only for the patient and the members the policy allows
(the others get that it was done and its band, marked as redacted), as on the plan page."""

from __future__ import annotations

import pytest

from fhir_server.resources.codes import QUESTIONNAIRES
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import GAD7, INSTRUMENTS, ODI, PEG, PHQ9, PSFS

pytest_plugins = ["tests.fhir_fixtures"]

pytestmark = pytest.mark.django_db

# Each instrument's answers, the total exported, and the LOINC code of its Observation.
ANSWERS = {
    PHQ9.code: ({**dict.fromkeys(PHQ9.item_keys, 2), "self_harm": 0}, 16, "44261-6"),
    GAD7.code: (dict.fromkeys(GAD7.item_keys, 1), 7, "70274-6"),
    PEG.code: ({"pain": 7, "enjoyment": 4, "activity": 5}, 5.3, "91147-9"),
    PSFS.code: (
        {"activity_1": {"name": "Climbing stairs", "rating": 4}, "activity_2": None},
        4,
        None,
    ),
    ODI.code: (dict.fromkeys(ODI.item_keys, 2), 40, "97909-6"),
}
REDACTED = {
    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
    "code": "REDACTED",
}


@pytest.fixture
def answered(fhir_world):
    """The plan's patient answered every questionnaire once (the ODI twice: the world's)."""
    patient, user = fhir_world.portal.patient, fhir_world.portal.patient_user
    fhir_world.results = {
        code: record_questionnaire(patient, user, INSTRUMENTS[code], answers).stored
        for code, (answers, _, _) in ANSWERS.items()
    }
    return fhir_world


def test_every_instrument_has_a_questionnaire_canonical_of_its_own():
    assert set(QUESTIONNAIRES) == set(INSTRUMENTS)
    assert len(set(QUESTIONNAIRES.values())) == len(INSTRUMENTS)


@pytest.mark.parametrize("code", list(ANSWERS))
def test_each_questionnaire_is_a_questionnaire_response_with_its_answers_and_total(
    answered, fhir, code
):
    result = answered.results[code]
    _, total, _ = ANSWERS[code]
    reader = answered.team.mental_health  # who may read every one whole
    body = fhir.valid(fhir.get(reader, f"QuestionnaireResponse/{code}-{result.pk}"))
    assert body["questionnaire"] == QUESTIONNAIRES[code]
    assert body["status"] == "completed" and "meta" not in body
    items = {item["linkId"]: item for item in body["item"]}
    score = items[f"{code}-score"]["answer"][0]
    assert score.get("valueInteger", score.get("valueDecimal")) == total
    if result.band:
        assert items[f"{code}-band"]["answer"] == [{"valueString": result.band}]
    if code == PSFS.code:
        activity = items["activity_1"]["item"]
        assert activity[0]["answer"] == [{"valueString": "Climbing stairs"}]
        assert activity[1]["answer"] == [{"valueInteger": 4}]
        assert "activity_2" not in items  # an empty slot
    else:
        first = INSTRUMENTS[code].item_keys[0]
        assert items[first]["answer"][0]["valueInteger"] == ANSWERS[code][0][first]


@pytest.mark.parametrize("code", [code for code, (_, _, loinc) in ANSWERS.items() if loinc])
def test_each_total_with_a_loinc_code_is_an_observation_with_it(answered, fhir, code):
    result = answered.results[code]
    _, total, loinc = ANSWERS[code]
    body = fhir.valid(fhir.get(answered.team.mental_health, f"Observation/{code}-{result.pk}"))
    assert body["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": loinc,
        "display": INSTRUMENTS[code].total_code.display,
    }
    assert body["valueQuantity"]["value"] == total
    assert body["valueQuantity"]["code"] == ("%" if code == ODI.code else "{score}")
    assert body["derivedFrom"] == [{"reference": f"QuestionnaireResponse/{code}-{result.pk}"}]
    found = fhir.valid(fhir.get(answered.team.mental_health, "Observation", code=loinc))
    assert {entry["resource"]["id"] for entry in found["entry"]} >= {f"{code}-{result.pk}"}
    assert all(entry["resource"]["code"]["coding"][0]["code"] == loinc for entry in found["entry"])


def test_the_psfs_has_no_observation_and_ids_name_their_own_instrument(answered, fhir):
    psfs, phq9 = answered.results[PSFS.code], answered.results[PHQ9.code]
    lead = answered.team.lead
    assert fhir.get(lead, f"Observation/psfs-{psfs.pk}").status_code == 404
    assert fhir.get(lead, f"QuestionnaireResponse/odi-{phq9.pk}").status_code == 404
    assert fhir.get(lead, f"QuestionnaireResponse/phq9-{phq9.pk}").status_code == 200
    observations = fhir.valid(fhir.get(lead, "Observation"))
    ids = {entry["resource"]["id"] for entry in observations["entry"]}
    assert f"psfs-{psfs.pk}" not in ids and f"peg-{answered.results[PEG.code].pk}" in ids


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
def test_a_mental_health_questionnaire_is_masked_for_members_the_policy_does_not_allow(
    answered, fhir, who, full
):
    user = answered.portal.patient_user if who == "patient" else getattr(answered.team, who)
    for code in (PHQ9.code, GAD7.code):
        result = answered.results[code]
        response = fhir.valid(fhir.get(user, f"QuestionnaireResponse/{code}-{result.pk}"))
        links = [item["linkId"] for item in response["item"]]
        observation = fhir.valid(fhir.get(user, f"Observation/{code}-{result.pk}"))
        assert {"text": result.band} in observation["interpretation"]
        assert f"{code}-band" in links  # that it was done, and its band: everyone
        if full:
            assert f"{code}-score" in links and len(links) == len(INSTRUMENTS[code].items) + 2
            assert "valueQuantity" in observation and "meta" not in response
        else:
            assert links == [f"{code}-band"]
            assert REDACTED.items() <= response["meta"]["security"][0].items()
            assert REDACTED.items() <= observation["meta"]["security"][0].items()
            assert "valueQuantity" not in observation
            assert observation["dataAbsentReason"]["coding"][0]["code"] == "masked"
    # The ODI is not a mental-health questionnaire: everyone on the team reads it whole.
    odi = fhir.valid(fhir.get(user, f"QuestionnaireResponse/odi-{answered.results['odi'].pk}"))
    assert "meta" not in odi and len(odi["item"]) == len(ODI.items) + 2


def test_everything_and_searches_mask_them_the_same_way(answered, fhir):
    phq9 = f"phq9-{answered.results[PHQ9.code].pk}"
    for user, full in ((answered.team.lead, False), (answered.team.mental_health, True)):
        for path in (
            f"CarePlan/{answered.plan.pk}/$everything",
            "QuestionnaireResponse",
            "Observation?code=44261-6",
        ):
            bundle = fhir.valid(fhir.get(user, path))
            resource = next(
                entry["resource"] for entry in bundle["entry"] if entry["resource"]["id"] == phq9
            )
            assert ("meta" not in resource) is full, (path, full)
