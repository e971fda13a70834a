"""The lead corrects a patient's details from the plan page: versioned like every other
edit (409 with the current values when stale), record numbers stay unique, audited."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import Patient
from careteam.services import CareAccessDenied, StaleVersionError, update_patient
from tests.careteam_domain_fixtures import make_plan
from tests.careteam_fixtures import UiTeam

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_url(ui: UiTeam) -> str:
    return reverse("careteam:patient-edit", args=[ui.plan.pk])


def posted(patient: Patient, **changes) -> dict:
    data = {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "record_number": patient.record_number,
        "email": patient.email,
        "version": patient.version,
    }
    return data | changes


def test_lead_corrects_details_and_the_change_is_audited(care_team):
    plan, lead = care_team.plan, care_team.lead
    patient = plan.patient
    update_patient(
        patient,
        lead,
        1,
        plan=plan,
        given_name=" Robin ",
        date_of_birth=datetime.date(1989, 1, 2),
        email="robin@example.org",
    )

    stored = Patient.objects.get(pk=patient.pk)
    assert (stored.given_name, stored.date_of_birth, stored.email, stored.version) == (
        "Robin",
        datetime.date(1989, 1, 2),
        "robin@example.org",
        2,
    )
    event = AuditEvent.objects.for_patient(patient).get(action=AuditAction.CHANGED)
    assert event.care_plan_id == plan.pk and event.actor == lead
    assert event.detail["changes"]["given_name"] == ["Pat", "Robin"]
    assert event.detail["changes"]["email"] == ["", "robin@example.org"]


def test_stale_version_is_refused_with_the_current_values(care_team):
    plan, lead = care_team.plan, care_team.lead
    first, second = Patient.objects.get(pk=plan.patient_id), Patient.objects.get(pk=plan.patient_id)
    update_patient(first, lead, 1, plan=plan, email="first@example.org")

    with pytest.raises(StaleVersionError) as stale:
        update_patient(second, lead, 1, plan=plan, email="second@example.org")

    assert stale.value.current_values["email"] == "first@example.org"
    assert stale.value.current_version == 2
    assert Patient.objects.get(pk=plan.patient_id).email == "first@example.org"


def test_record_number_must_stay_unique(care_team):
    plan, lead = care_team.plan, care_team.lead
    other = make_plan(lead, "OTHER-0002").patient

    with pytest.raises(ValidationError) as error:
        update_patient(plan.patient, lead, 1, plan=plan, record_number=other.record_number)

    assert "record_number" in error.value.message_dict
    assert Patient.objects.get(pk=plan.patient_id).version == 1


@pytest.mark.parametrize(
    ("role", "status"), [("physio", 403), ("mental_health", 403), ("outsider", 404)]
)
def test_only_the_lead_may_change_details(care_team, role, status):
    plan = care_team.plan
    actor = getattr(care_team, role)
    with pytest.raises(CareAccessDenied) as refused:
        update_patient(plan.patient, actor, 1, plan=plan, given_name="Changed")
    assert refused.value.status_code == status
    assert Patient.objects.get(pk=plan.patient_id).given_name == "Pat"
    assert AuditEvent.objects.filter(actor=actor, action=AuditAction.DENIED).exists()


def test_plan_page_links_to_the_edit_form_for_the_lead_only(ui_team: UiTeam):
    url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    assert edit_url(ui_team) in client_for(ui_team.actor("lead")).get(url).content.decode()
    physio_page = client_for(ui_team.actor("physical_therapy")).get(url).content.decode()
    assert edit_url(ui_team) not in physio_page


def test_edit_form_saves_and_returns_to_the_plan(ui_team: UiTeam):
    client = client_for(ui_team.actor("lead"))
    patient = ui_team.plan.patient
    assert client.get(edit_url(ui_team)).status_code == 200

    response = client.post(edit_url(ui_team), posted(patient, family_name="Ortiz-Lane"))

    assert response.status_code == 302
    assert response["Location"] == reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    assert Patient.objects.get(pk=patient.pk).family_name == "Ortiz-Lane"


def test_stale_form_gets_409_with_current_values_and_keeps_input(ui_team: UiTeam):
    client = client_for(ui_team.actor("lead"))
    patient = ui_team.plan.patient
    seen = posted(patient)
    update_patient(patient, ui_team.actor("lead"), 1, plan=ui_team.plan, email="new@example.org")

    response = client.post(edit_url(ui_team), seen | {"given_name": "Jordan"})

    body = response.content.decode()
    assert response.status_code == 409
    assert "new@example.org" in body and 'value="Jordan"' in body
    assert Patient.objects.get(pk=patient.pk).given_name == "Pat"


def test_duplicate_record_number_in_the_form_is_a_400_with_a_message(ui_team: UiTeam):
    other = make_plan(ui_team.actor("lead"), "OTHER-0003").patient
    client = client_for(ui_team.actor("lead"))

    response = client.post(
        edit_url(ui_team), posted(ui_team.plan.patient, record_number=other.record_number)
    )

    assert response.status_code == 400
    assert "already has this record number" in response.content.decode().lower()
