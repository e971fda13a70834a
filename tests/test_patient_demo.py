"""The patient demo seeder: logins for Alex and Sam with real-looking data, idempotent."""

import io

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from careteam.models import CarePlan
from core.demo_users import demo_password
from patientportal.demo import seed_patients
from patientportal.models import CheckIn, QuestionnaireResult, ReadingAssignment
from tests.patient_fixtures import seed_demo_patients

pytestmark = pytest.mark.django_db

COUNTED = (CheckIn, QuestionnaireResult, ReadingAssignment)


@pytest.fixture
def seeded(site_tree):
    return seed_demo_patients(site_tree.articles)


def test_seeder_returns_patient_logins_that_work(seeded, client):
    assert [username for username, _ in seeded] == ["alex", "sam"]
    alex = authenticate(username="alex", password=demo_password())
    assert alex is not None and alex.patient_profile.family_name == "Rivera-Kim"
    assert authenticate(username="sam", password=demo_password()).patient_profile.given_name == (
        "Sam"
    )
    client.force_login(alex)
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert "Lower back stability and pain plan" in html
    assert "Pain score over time" in html
    assert "How back pain affects daily life: your score over time" in html


def test_alexs_plan_says_what_the_tour_found_missing_in_plain_words(seeded, client):
    client.force_login(authenticate(username="alex", password=demo_password()))
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert "NRS" not in html and "ODI" not in html
    box = html[html.index('id="red-flags-heading"') : html.index("</section>")]
    assert box.count("999") == 1 and box.count("emergency department") == 1
    assert "Call the clinic the same day if a flare is much worse" in box
    # The pain goal is measured by the check-ins; the walking goal is not, and says so.
    assert "Your pain was 4 or less on" in html
    assert "Your check-ins do not measure this goal" in html
    # The injection (14 October) and the review (25 November) are kept, with their dates.
    assert "Epidural steroid injection, L5–S1" in html
    assert "Review with Dr Lee six weeks after the injection" in html
    assert "Do not do:</strong> Deep hamstring and lower-back stretching" in html


def test_alex_has_reading_check_ins_and_two_odi_scores(seeded):
    reading = ReadingAssignment.objects.filter(plan__patient__record_number="NB-100234")
    assert reading.filter(read_at__isnull=False, helpful__isnull=False).count() >= 2
    assert reading.filter(read_at__isnull=True).exists()
    confirmed = reading.get(contraindication_warning_confirmed=True)
    assert confirmed.confirmed_conflicts == ["Deep stretching"]
    check_ins = CheckIn.objects.filter(patient__record_number="NB-100234").order_by("recorded_at")
    assert check_ins.count() >= 15
    span = check_ins.last().recorded_at - check_ins.first().recorded_at
    assert 35 <= span.days <= 45
    assert check_ins.first().pain_score > check_ins.last().pain_score
    odi = QuestionnaireResult.objects.filter(
        patient__record_number="NB-100234", instrument="odi"
    ).order_by("completed_at")
    scores = [result.score for result in odi]
    assert scores == [51, 38]  # as the seeder's comment says
    assert [result.band for result in odi] == ["Severe disability", "Moderate disability"]
    # Shared with the plan the team works on, so its page charts them.
    plan = CarePlan.objects.get(patient__record_number="NB-100234", status="active")
    assert plan.check_ins.count() == check_ins.count()
    assert plan.questionnaire_results.count() == 2


def test_seeded_history_sends_no_email(seeded, mailoutbox):
    assert mailoutbox == []


def test_seeder_is_idempotent(seeded):
    before = {model.__name__: model.objects.count() for model in COUNTED}
    assert seed_patients(io.StringIO()) == seeded
    assert {model.__name__: model.objects.count() for model in COUNTED} == before


def test_seeder_without_care_team_patients_does_nothing():
    out = io.StringIO()
    assert seed_patients(out) == []
    assert "missing" in out.getvalue()
