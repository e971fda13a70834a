"""Every questionnaire through its page at /my/questionnaires/<code>/ and the service behind
it: stored once with its score and band, audited without the answers, shared with the
plans current then; the result in plain words afterwards; charted for the patient and for
the team, a mental-health questionnaire's totals only for the members the policy allows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlanStatus
from patientportal.models import QuestionnaireResult
from patientportal.services.errors import PortalAccessDenied
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import GAD7, INSTRUMENTS, ODI, PEG, PHQ9, PSFS
from questionnaires.scoring import ScoringError
from tests.patient_fixtures import second_plan_led_by

pytestmark = pytest.mark.django_db


def page(code: str) -> str:
    return reverse("patientportal:questionnaire", args=[code])


# What each page is sent (as a browser posts it), and what it is stored and shown as.
VALID = {
    # 2 x 8 = 16: moderately severe; the self-harm item answered "not at all".
    PHQ9.code: (
        {**dict.fromkeys(PHQ9.item_keys, "2"), "self_harm": "0"},
        Decimal(16),
        "Moderately severe depression symptoms",
    ),
    GAD7.code: (dict.fromkeys(GAD7.item_keys, "1"), Decimal(7), "Mild anxiety symptoms"),
    PEG.code: ({"pain": "7", "enjoyment": "4", "activity": "5"}, Decimal("5.3"), ""),
    PSFS.code: (
        {"activity_1_name": "Climbing stairs", "activity_1": "4", "activity_2_name": "Lifting"},
        None,  # refused: a name without a number
        "",
    ),
    ODI.code: (dict.fromkeys(ODI.item_keys, "2"), Decimal(40), "Moderate disability"),
}


def posted(code: str, **changes: str) -> dict[str, str]:
    return {**VALID[code][0], **changes}


@pytest.fixture
def patient_client(client, portal_world):
    client.force_login(portal_world.patient_user)
    return client


@pytest.mark.parametrize("code", [PHQ9.code, GAD7.code, PEG.code, ODI.code])
def test_each_questionnaire_answered_on_its_page_is_stored_and_said_in_plain_words(
    patient_client, portal_world, code
):
    instrument = INSTRUMENTS[code]
    form = patient_client.get(page(code))
    assert form.status_code == 200
    html = form.content.decode()
    assert instrument.title in html and 'class="stack-form questionnaire-form"' in html
    assert html.count('<fieldset class="questionnaire-item') == len(instrument.items)

    response = patient_client.post(page(code), posted(code))

    assert response.status_code == 302 and response["Location"] == reverse("patientportal:plan")
    _, total, band = VALID[code]
    result = QuestionnaireResult.objects.get()
    assert (result.instrument, result.total, result.band) == (code, total, band)
    assert result.answered == len(instrument.items)
    assert list(result.plans.all()) == [portal_world.plan]
    message = patient_client.get(response["Location"]).content.decode()
    assert f"Your score is {result.score} out of {instrument.total_range[1]}" in message
    band_now = instrument.band_for(result.score) if isinstance(result.score, int) else None
    if band_now is not None:
        assert band_now.patient_text in message


def test_the_psfs_keeps_the_activities_named_and_offers_them_again(patient_client):
    answers = {
        "activity_1_name": "Climbing stairs",
        "activity_1": "4",
        "activity_3_name": "Lifting my son",
        "activity_3": "7",
    }
    response = patient_client.post(page(PSFS.code), answers, follow=True)
    result = QuestionnaireResult.objects.get()
    assert result.total == Decimal("5.5") and result.answered == 2
    assert result.answers["activity_3"] == {"name": "Lifting my son", "rating": 7}
    assert result.answers["activity_2"] is None
    assert "Your score is 5.5 out of 10 (higher is better)." in response.content.decode()
    form = patient_client.get(page(PSFS.code)).content.decode()
    assert 'value="Climbing stairs"' in form and 'value="Lifting my son"' in form


@pytest.mark.parametrize(
    ("code", "changes", "message"),
    [
        (PHQ9.code, {"self_harm": ""}, "Please choose an answer."),
        (PHQ9.code, {"mood": "7"}, "Choose one of the answers shown."),
        (GAD7.code, {"nervous": "", "relaxing": "", "afraid": ""}, "at least 5 of the 7"),
        (PEG.code, {"pain": "11"}, "Choose one of the answers shown."),
        (PSFS.code, {}, "Choose a number for this activity, or clear its name."),
        (ODI.code, dict.fromkeys(ODI.item_keys[:3], ""), "at least 8 of the 10 sections"),
    ],
)
def test_answers_that_cannot_be_scored_are_a_400_with_the_reason_and_store_nothing(
    patient_client, code, changes, message
):
    response = patient_client.post(page(code), posted(code, **changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not QuestionnaireResult.objects.exists()


def test_opening_a_questionnaire_is_recorded_as_a_read_of_the_patients_record(
    patient_client, portal_world
):
    patient_client.get(page(PSFS.code))
    event = AuditEvent.objects.filter(actor=portal_world.patient_user).latest("pk")
    assert (event.action, event.patient_id) == (AuditAction.VIEWED, portal_world.patient.pk)
    assert event.detail == {"what": "questionnaire form", "instrument": "psfs"}


def test_an_unknown_questionnaire_is_404(patient_client):
    assert patient_client.get(page("sf36")).status_code == 404
    assert patient_client.post(page("sf36"), {"q1": "1"}).status_code == 404


def test_the_old_odi_address_moves_permanently_to_the_odis_page(patient_client):
    response = patient_client.get("/my/odi/")
    assert response.status_code == 301
    assert response["Location"] == page(ODI.code) == "/my/questionnaires/odi/"


def test_the_service_refuses_to_answer_for_someone_else_and_bad_answers(portal_world):
    answers = dict.fromkeys(ODI.item_keys, 1)
    with pytest.raises(PortalAccessDenied):
        record_questionnaire(portal_world.patient, portal_world.other_user, ODI, answers)
    with pytest.raises(ScoringError):
        record_questionnaire(portal_world.patient, portal_world.patient_user, ODI, {"x": 1})
    assert not QuestionnaireResult.objects.exists()


def test_the_audit_trail_keeps_the_instrument_total_and_band_never_the_answers(portal_world):
    answers = {**dict.fromkeys(PHQ9.item_keys, 1), "self_harm": 2}
    recorded = record_questionnaire(portal_world.patient, portal_world.patient_user, PHQ9, answers)

    event = AuditEvent.objects.get(
        action=AuditAction.CREATED,
        actor=portal_world.patient_user,
        object_repr__startswith="Questionnaire result",
    )
    assert event.detail == {"instrument": "phq9", "total": 10, "band": recorded.stored.band}
    assert event.patient_id == portal_world.patient.pk
    assert event.object_repr == f"Questionnaire result {recorded.stored.pk} (phq9)"
    # What the crisis advice and the alert hook on: the engine's score, and the row.
    assert recorded.safety_fired and recorded.stored.safety_fired
    assert [item.item_key for item in recorded.scored.safety_items] == ["self_harm"]


def test_a_result_is_shared_only_with_the_plans_current_when_it_was_answered(client, portal_world):
    team = portal_world.team
    second = second_plan_led_by(portal_world.plan, team.lead, team.spare_physician)
    second.status = CarePlanStatus.COMPLETED
    second.save(update_fields=["status"])
    result = record_questionnaire(
        portal_world.patient,
        portal_world.patient_user,
        PEG,
        {"pain": 6, "enjoyment": 5, "activity": 4},
    ).stored
    second.status = CarePlanStatus.ACTIVE
    second.save(update_fields=["status"])

    assert list(result.plans.all()) == [portal_world.plan]
    client.force_login(team.spare_physician)
    html = client.get(reverse("careteam:plan-detail", args=[second.pk])).content.decode()
    assert "No questionnaires answered yet." in html
    client.force_login(team.lead)
    html = client.get(reverse("careteam:plan-detail", args=[portal_world.plan.pk])).content.decode()
    assert f'id="plan-{portal_world.plan.pk}-peg-title"' in html


def test_my_plan_charts_each_questionnaire_answered_in_plain_words(patient_client):
    patient_client.post(page(PSFS.code), {"activity_1_name": "Stairs", "activity_1": "6"})
    patient_client.post(page(GAD7.code), posted(GAD7.code))

    html = patient_client.get(reverse("patientportal:plan")).content.decode()

    assert "Activities you find hard: your score over time (0 to 10, higher is better)" in html
    assert (
        "Worry and anxiety questionnaire: your score over time (0 to 21, lower is better)" in html
    )
    assert "Higher is better." in html and "Lower is better." in html
    assert GAD7.bands[1].patient_text in html
    assert "PSFS" not in html and "GAD-7" not in html  # no abbreviations on the plan
    assert "No questionnaires" not in html
    assert html.index("Worry and anxiety") < html.index("Activities you find hard")  # registry
    assert f'href="{page(ODI.code)}"' in html  # offered always, as before


@pytest.fixture
def answered_both(portal_world):
    """A PHQ-9 (mental health) and an ODI, shared with the plan."""
    patient, user = portal_world.patient, portal_world.patient_user
    record_questionnaire(patient, user, PHQ9, dict.fromkeys(PHQ9.item_keys, 1))
    record_questionnaire(patient, user, ODI, dict.fromkeys(ODI.item_keys, 3))
    return portal_world


@pytest.mark.parametrize(
    ("who", "sees_totals"),
    [("mental_health", True), ("lead", False), ("physio", False), ("contributor", False)],
)
def test_the_plan_page_shows_a_mental_health_questionnaires_totals_only_to_its_members(
    client, answered_both, who, sees_totals
):
    plan = answered_both.plan
    client.force_login(getattr(answered_both.team, who))

    html = client.get(reverse("careteam:plan-detail", args=[plan.pk])).content.decode()

    assert f'id="plan-{plan.pk}-odi-title"' in html  # the ODI: everyone on the team
    assert "Latest ODI: 60" in html
    assert (f'id="plan-{plan.pk}-phq9-title"' in html) is sees_totals
    assert ("Latest PHQ-9: 9" in html) is sees_totals
    assert "Mild depression symptoms" in html  # the band: everyone
    hidden_note = "Mental-health questionnaire scores and answers are shown only to"
    assert (hidden_note in html) is not sees_totals
    if not sees_totals:
        assert "<strong>PHQ-9</strong>: answered 1 time." in html
