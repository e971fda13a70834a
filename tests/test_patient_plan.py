"""/my/plan/: the patient's own plan in plain words, nothing more."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from careteam.models import CarePlan, Discipline
from careteam.services import create_activity

pytestmark = pytest.mark.django_db


def test_patient_sees_their_plan_in_plain_words(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_world.plan.title in html
    assert "ALEX walk 30 minutes without a flare" in html
    assert "ALEX dead bug core hold" in html
    assert "Daily, 10 minutes" in html
    assert "ALEX paced breathing" in html
    assert "No deep or end-range stretching" in html
    assert "Your pain doctor" in html
    assert "Your physical therapist" in html
    assert "Get urgent help now" in html
    for secret in ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE", "OTHER"):
        assert secret not in html
    assert AuditEvent.objects.filter(
        actor=portal_world.patient_user, action="viewed", care_plan_id=portal_world.plan.pk
    ).exists()


def test_patients_land_on_their_plan_after_login(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("after-login"))
    assert response["Location"] == reverse("patientportal:plan")


def test_a_patient_without_a_shared_plan_gets_a_calm_placeholder(client, portal_world):
    CarePlan.objects.filter(patient=portal_world.patient).update(status="draft")
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 200
    assert b"has not shared a care plan with you yet" in response.content
    assert b"Get urgent help now" in response.content


def test_plan_page_lists_other_plans_and_opens_them(client, portal_world):
    second = CarePlan.objects.create(
        patient=portal_world.patient, title="Sleep plan", status="completed"
    )
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert reverse("patientportal:plan-detail", args=[second.pk]) in html
    detail = client.get(reverse("patientportal:plan-detail", args=[second.pk]))
    assert detail.status_code == 200
    assert b"Sleep plan" in detail.content


def test_coming_up_lists_future_appointments_only(client, portal_world):
    section = portal_world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    today = datetime.date.today()
    for title, when in (("Past injection", -10), ("Next review visit", 10)):
        create_activity(
            section,
            portal_world.lead,
            kind="appointment",
            title=title,
            scheduled_on=today + datetime.timedelta(days=when),
        )
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert "Next review visit" in html
    assert "Past injection" not in html


def test_my_redirects_to_my_plan(client):
    response = client.get(reverse("patientportal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("patientportal:plan")


def test_red_flag_box_says_what_to_do_before_the_teams_own_advice(client, portal_world):
    plan = portal_world.plan
    plan.red_flag_guidance = "Ring the clinic if a flare lasts over two days."
    plan.save(update_fields=["red_flag_guidance"])
    client.force_login(portal_world.patient_user)

    html = client.get(reverse("patientportal:plan")).content.decode()

    box = html[html.index('id="red-flags-heading"') :]
    call_now = box.index("Call 999 or go to your nearest emergency department")
    assert call_now < box.index("Your team's advice for you") < box.index("Ring the clinic")
