"""The patient-takeover chain a security review found, step by step, as a regression test.

A pain physician on none of the patient's teams ("dr.shah", the care team's
``spare_physician``) used to start a plan for the patient by record number, read the
patient's check-ins and charts through it, change the shared patient record, switch the
patient's login off and mail a set-password link to an address of their choosing. Each
step is now refused, changes nothing and leaves a 'denied' audit event.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, Discipline, Patient, TeamRole
from careteam.policy import PatientAction, refusal
from careteam.services import (
    CareAccessDenied,
    add_member,
    create_care_plan,
    create_patient,
    update_patient,
)
from patientportal.models import PatientInvitation, RedFlag
from patientportal.services.checkins import record_check_in
from patientportal.services.logins import invite_patient, revoke_patient_access
from tests.careteam_domain_fixtures import make_provider
from tests.patient_fixtures import PATIENT_PASSWORD, second_plan_led_by

pytestmark = pytest.mark.django_db
START_PLAN = PatientAction.START_PLAN

CHECK_IN_NOTE = "Left leg feels weak on the stairs since Tuesday."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def denials(user) -> int:
    return AuditEvent.objects.filter(action=AuditAction.DENIED, actor=user).count()


def errors_of(response) -> list[str]:
    return re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())


@pytest.fixture
def attacker(portal_world):
    """A pain-management physician who may start plans and is on none of Alex's teams."""
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=7,
        note=CHECK_IN_NOTE,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    return portal_world.team.spare_physician


def test_step_1_starting_a_plan_by_someone_elses_record_number_is_refused(portal_world, attacker):
    before = denials(attacker)
    response = client_for(attacker).post(
        reverse("careteam:plan-create"),
        {
            "record_number": portal_world.patient.record_number.lower(),
            "title": "Takeover",
            "status": "active",
        },
    )
    assert response.status_code == 400
    assert escape(refusal(START_PLAN)) in response.content.decode()
    assert portal_world.patient.family_name not in response.content.decode()
    assert not CarePlan.objects.filter(title="Takeover").exists()
    assert denials(attacker) == before + 1
    with pytest.raises(CareAccessDenied):
        create_care_plan(attacker, portal_world.patient, title="Takeover")
    assert not CarePlan.objects.filter(title="Takeover").exists()


def test_a_patient_without_a_care_relationship_gets_the_same_answer_as_an_unknown_number(
    portal_world, attacker
):
    client = client_for(attacker)
    url = reverse("careteam:plan-create")
    existing = client.post(
        url, {"record_number": portal_world.patient.record_number, "title": "P", "status": "draft"}
    )
    unknown = client.post(url, {"record_number": "NO-SUCH-1", "title": "P", "status": "draft"})
    assert existing.status_code == unknown.status_code == 400
    assert errors_of(existing) == errors_of(unknown) == [f"<li>{escape(refusal(START_PLAN))}</li>"]
    refusals = AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=attacker, detail__permission=START_PLAN
    )
    assert {event.detail["reason"] for event in refusals} == {
        "no care relationship",
        "no such record number",
    }


@pytest.mark.parametrize("case", [str.lower, str.upper])
def test_registering_a_taken_record_number_is_refused_and_leaves_a_trace(
    portal_world, attacker, case
):
    before = denials(attacker)
    response = client_for(attacker).post(
        reverse("careteam:patient-create"),
        {
            "given_name": "Any",
            "family_name": "Body",
            "date_of_birth": "1990-01-01",
            "record_number": case(portal_world.patient.record_number),
        },
    )
    assert response.status_code == 400
    assert portal_world.patient.family_name not in response.content.decode()
    assert Patient.objects.filter(given_name="Any").count() == 0
    assert denials(attacker) == before + 1


def test_a_team_member_who_does_not_lead_cannot_start_a_plan_and_lead_the_patient(
    portal_world,
):
    """Otherwise a contributor (or a former lead) could lead a new plan and, as its lead,
    change the patient's email and invite a login that was never used."""
    physician = make_provider("t.contrib-md", Discipline.PAIN_MANAGEMENT)
    add_member(portal_world.plan, portal_world.lead, physician, TeamRole.CONTRIBUTOR)
    response = client_for(physician).post(
        reverse("careteam:plan-create"),
        {"record_number": portal_world.patient.record_number, "title": "Mine", "status": "draft"},
    )
    assert response.status_code == 400
    assert not CarePlan.objects.filter(title="Mine").exists()


def test_a_record_number_cannot_be_copied_onto_another_patient_in_another_case(
    portal_world, attacker
):
    decoy = create_patient(
        attacker,
        given_name="Decoy",
        family_name="Aaaa",
        date_of_birth=datetime.date(1990, 1, 1),
        record_number="Z-1",
    )
    plan = create_care_plan(attacker, decoy, title="Decoy plan")
    with pytest.raises(ValidationError):
        update_patient(
            decoy,
            attacker,
            decoy.version,
            plan=plan,
            record_number=portal_world.patient.record_number.lower(),
        )
    decoy.refresh_from_db()
    assert decoy.record_number == "Z-1"


def test_the_physician_who_registered_a_patient_starts_their_first_plan_and_nobody_else(
    portal_world, attacker
):
    newcomer = create_patient(
        attacker,
        given_name="Noor",
        family_name="Newfield",
        date_of_birth=datetime.date(1991, 2, 3),
        record_number="N-0042",
    )
    with pytest.raises(CareAccessDenied):
        create_care_plan(portal_world.lead, newcomer, title="Not mine to start")
    plan = create_care_plan(attacker, newcomer, title="Stability plan")
    assert plan.memberships.active().get().user == attacker
    # Their place on the team is now the care relationship; the lead may start another.
    assert create_care_plan(attacker, newcomer, title="Follow-up").patient == newcomer


def test_step_2_a_plan_shows_only_the_check_ins_and_exercises_shared_with_it(
    portal_world, attacker
):
    other_lead = make_provider("t.second-lead", Discipline.PAIN_MANAGEMENT)
    second = second_plan_led_by(portal_world.plan, portal_world.lead, other_lead)
    page = client_for(other_lead).get(reverse("careteam:plan-detail", args=[second.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert CHECK_IN_NOTE not in html  # made before this plan existed
    assert "ALEX dead bug core hold" not in html  # the first plan's exercise
    assert "pain 7/10" not in html

    record_check_in(portal_world.patient, portal_world.patient_user, pain_score=3, note="Calmer")
    html = client_for(other_lead).get(reverse("careteam:plan-detail", args=[second.pk]))
    assert "Calmer" in html.content.decode()
    lead_page = client_for(portal_world.lead).get(
        reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    )
    assert CHECK_IN_NOTE in lead_page.content.decode()


def test_step_3_the_shared_patient_record_cannot_be_changed_from_outside_the_team(
    portal_world, attacker
):
    patient = portal_world.patient
    url = reverse("careteam:patient-edit", args=[portal_world.plan.pk])
    form = {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "record_number": patient.record_number,
        "email": "attacker@example.net",
        "version": patient.version,
    }
    before = denials(attacker)
    assert client_for(attacker).post(url, form).status_code == 404
    assert denials(attacker) == before + 1
    physio = portal_world.team.physio
    before = denials(physio)
    refused = client_for(physio).post(url, form)
    assert refused.status_code == 403
    assert "Only the lead physician" in refused.content.decode()
    assert denials(physio) == before + 1
    patient.refresh_from_db()
    assert patient.email == "pat.one@example.com"


def test_a_change_to_the_shared_record_is_in_the_history_of_every_plan_of_the_patient(
    portal_world,
):
    other_lead = make_provider("t.second-lead", Discipline.PAIN_MANAGEMENT)
    second = second_plan_led_by(portal_world.plan, portal_world.lead, other_lead)
    patient = portal_world.patient
    update_patient(patient, other_lead, patient.version, plan=second, email="alex.new@example.org")
    changes = AuditEvent.objects.filter(
        action=AuditAction.CHANGED, actor=other_lead, patient_id=patient.pk
    )
    assert set(changes.values_list("care_plan_id", flat=True)) == {portal_world.plan.pk, second.pk}
    for event in changes:
        assert event.detail["changes"]["email"] == ["pat.one@example.com", "alex.new@example.org"]
    history = client_for(portal_world.lead).get(
        reverse("careteam:plan-history", args=[portal_world.plan.pk])
    )
    assert "alex.new@example.org" in history.content.decode()


def test_step_4_portal_access_cannot_be_switched_off_or_resent_from_outside(portal_world, attacker):
    plan = portal_world.plan
    client = client_for(attacker)
    before = denials(attacker)
    for name in ("patientportal_team:revoke", "patientportal_team:invite"):
        assert client.post(reverse(name, args=[plan.pk])).status_code == 404
    assert denials(attacker) == before + 2
    for action in (revoke_patient_access, invite_patient):
        with pytest.raises(CareAccessDenied):
            action(portal_world.patient, attacker)
    assert denials(attacker) == before + 4
    portal_world.patient_user.refresh_from_db()
    assert portal_world.patient_user.is_active
    assert portal_world.patient_user.check_password(PATIENT_PASSWORD)
    assert PatientInvitation.objects.filter(patient=portal_world.patient).count() == 1
    assert mail.outbox == [] or all("attacker" not in m.to[0] for m in mail.outbox)


def test_a_new_invitation_goes_to_the_address_the_patient_confirmed_not_a_new_one(
    portal_world, django_capture_on_commit_callbacks
):
    """Even the lead cannot point an existing login at an address just typed in."""
    lead, patient = portal_world.lead, portal_world.patient
    update_patient(
        patient, lead, patient.version, plan=portal_world.plan, email="typed@example.net"
    )
    revoke_patient_access(portal_world.plan, lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_patient(portal_world.plan, lead)
    assert invitation.user.email == "pat.one@example.com"
    assert [message.to for message in mail.outbox] == [["pat.one@example.com"]]
    patient.refresh_from_db()
    assert patient.email == "typed@example.net"  # the record keeps the new contact address


def test_step_5_the_attacker_never_reaches_the_patients_plan(portal_world, attacker):
    assert not Patient.objects.filter(user=attacker).exists()
    response = client_for(attacker).get(
        reverse("patientportal:plan-detail", args=[portal_world.plan.pk])
    )
    assert response.status_code == 404
    assert CHECK_IN_NOTE not in response.content.decode()
