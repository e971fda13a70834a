"""Flares: the patient says one has begun and sees their flare plan at once; the team sees
it on the plan page and the pain chart, and on the dashboard when flares come often."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from careteam.services import update_plan
from patientportal.charts import Span, TrendPoint, pain_trend
from patientportal.models import Flare
from patientportal.services.checkins import record_check_in
from patientportal.services.errors import PortalAccessDenied
from patientportal.services.flares import end_flare, start_flare

pytestmark = pytest.mark.django_db

DAY_ONE = "Rest in the position that eases it for an hour, then walk for five minutes."


@pytest.fixture
def world(portal_world):
    plan = portal_world.plan
    update_plan(
        plan,
        portal_world.lead,
        plan.version,
        flare_day_one=DAY_ONE,
        flare_day_two="Half your usual exercises, slowly.",
        flare_when_to_call="If it has not eased after five days, call the clinic.",
    )
    portal_world.plan.refresh_from_db()
    return portal_world


def press_flare_button(client, key=None):
    return client.post(
        reverse("patientportal:flare-start"), {"submission_key": key or uuid.uuid4()}
    )


def test_pressing_im_having_a_flare_records_it_and_shows_the_flare_plan_at_once(client, world):
    client.force_login(world.patient_user)
    plan_page = client.get(reverse("patientportal:plan")).content.decode()
    assert "I&#x27;m having a flare" in plan_page or "I'm having a flare" in plan_page
    response = press_flare_button(client)
    assert response.status_code == 302 and response["Location"] == reverse("patientportal:flare")
    page = client.get(response["Location"]).content.decode()
    assert DAY_ONE in page and "My flare is over" in page and "Get urgent help now" in page
    flare = Flare.objects.get(patient=world.patient)
    assert flare.is_open and list(flare.plans.all()) == [world.plan]
    assert AuditEvent.objects.filter(action="created", target_object_id=str(flare.pk)).exists()


def test_a_double_press_or_a_second_tab_records_one_flare(client, world):
    client.force_login(world.patient_user)
    key = uuid.uuid4()
    press_flare_button(client, key)
    press_flare_button(client, key)
    press_flare_button(client)  # another key, while the flare is still going on
    assert Flare.objects.filter(patient=world.patient).count() == 1


def test_saying_the_flare_is_over_ends_it_and_a_new_one_can_begin(client, world):
    client.force_login(world.patient_user)
    press_flare_button(client)
    response = client.post(reverse("patientportal:flare-end"))
    assert response.status_code == 302
    flare = Flare.objects.get(patient=world.patient)
    assert flare.ended_at is not None and flare.ended_at >= flare.started_at
    assert AuditEvent.objects.filter(action="changed", target_object_id=str(flare.pk)).exists()
    again = client.post(reverse("patientportal:flare-end"), follow=True)
    assert "There is no flare going on to end." in again.content.decode()
    press_flare_button(client)
    assert Flare.objects.filter(patient=world.patient).count() == 2


def test_nobody_records_or_ends_a_flare_for_someone_else(world):
    with pytest.raises(PortalAccessDenied):
        start_flare(world.patient, world.other_user)
    start_flare(world.patient, world.patient_user)
    with pytest.raises(PortalAccessDenied):
        end_flare(world.patient, world.other_user)
    assert Flare.objects.get(patient=world.patient).is_open


def test_without_a_flare_plan_the_page_gives_general_advice(client, world):
    client.force_login(world.other_user)
    page = client.get(reverse("patientportal:flare")).content.decode()
    assert "has not written a flare plan with you yet" in page and DAY_ONE not in page


def test_the_team_sees_the_flare_plan_the_flare_and_its_shading_on_the_pain_chart(client, world):
    record_check_in(world.patient, world.patient_user, pain_score=7)
    start_flare(world.patient, world.patient_user)
    client.force_login(world.team.contributor)
    html = client.get(reverse("careteam:plan-detail", args=[world.plan.pk])).content.decode()
    assert DAY_ONE in html
    assert "1 flare began in the last 14 days." in html and "A flare is going on now" in html
    assert 'class="trend__span"' in html and "(still going on)" in html


def test_three_flares_in_fourteen_days_flag_the_plan_on_its_teams_dashboard(client, world):
    for days_ago in (20, 10, 5):
        flare = start_flare(world.patient, world.patient_user)
        started = timezone.now() - datetime.timedelta(days=days_ago)
        Flare.objects.filter(pk=flare.pk).update(
            started_at=started, ended_at=started + datetime.timedelta(days=1)
        )
    client.force_login(world.lead)
    dashboard = reverse("careteam:dashboard")
    assert "Flaring often" not in client.get(dashboard).content.decode()  # 2 within 14 days
    start_flare(world.patient, world.patient_user)
    html = client.get(dashboard).content.decode()
    assert "Flaring often (1)" in html and world.patient.full_name in html
    client.force_login(world.team.outsider)
    assert "Flaring often" not in client.get(dashboard).content.decode()


def test_a_chart_shades_each_flare_and_says_so(db):
    today = datetime.date(2026, 3, 10)
    chart = pain_trend(
        [TrendPoint(today - datetime.timedelta(days=9), 4), TrendPoint(today, 6)],
        flares=[Span(today - datetime.timedelta(days=5), today - datetime.timedelta(days=3))],
    )
    assert chart.svg.count('class="trend__span"') == 1
    assert "Flare from 5 March 2026 to 7 March 2026" in chart.svg
    assert chart.summary.endswith("Shaded: 1 flare.")


def test_a_mangled_button_is_refused_with_a_message_and_records_nothing(client, world):
    client.force_login(world.patient_user)
    response = client.post(reverse("patientportal:flare-start"), {"submission_key": "not-a-key"})
    assert response.status_code == 400
    assert "This form was changed or is out of date" in response.content.decode()
    assert not Flare.objects.exists()
