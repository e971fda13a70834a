"""Check-ins, the red-flag screen and its alerts (questionnaires: test_patient_questionnaires)."""

from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from careteam.models import Activity
from patientportal.models import AlertOutcome, CheckIn, RedFlag, RedFlagAlert
from patientportal.panels import render_portal_panel, render_red_flag_alerts
from patientportal.services.alerts import open_alerts_for_user
from patientportal.services.checkins import record_check_in
from patientportal.services.errors import PortalAccessDenied, PortalActionError
from patientportal.tasks import send_red_flag_alert_email

pytestmark = pytest.mark.django_db
CHECK_IN = reverse("patientportal:check-in")


def exercise(world, marker="ALEX"):
    return Activity.objects.get(title=f"{marker} dead bug core hold")


def team_request(user):
    request = RequestFactory().get("/care/")
    request.user = user
    return request


def test_check_in_form_lists_only_my_current_visible_exercises(client, portal_world):
    client.force_login(portal_world.patient_user)
    html = client.get(CHECK_IN).content.decode()
    assert "ALEX dead bug core hold" in html
    assert "HIDDEN" not in html
    assert "OTHER" not in html
    assert "paced breathing" not in html  # coping strategies are not exercises
    for label in ("0 – no pain", "10 – worst pain imaginable"):
        assert label in html
    for flag in RedFlag:
        assert flag.label in html


def test_a_check_in_is_saved_with_exercise_outcomes(client, portal_world):
    client.force_login(portal_world.patient_user)
    activity = exercise(portal_world)
    response = client.post(
        CHECK_IN,
        {"pain_score": "4", f"activity_{activity.pk}": "partly", "note": "Better after walking."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patientportal:plan")
    check_in = CheckIn.objects.get(patient=portal_world.patient)
    assert check_in.pain_score == 4
    assert check_in.note == "Better after walking."
    assert [(r.activity_id, r.outcome) for r in check_in.activity_reports.all()] == [
        (activity.pk, "partly")
    ]
    assert not RedFlagAlert.objects.exists()
    assert mail.outbox == []


def test_pain_must_be_0_to_10_and_is_required(client, portal_world):
    client.force_login(portal_world.patient_user)
    for bad in ({}, {"pain_score": "11"}, {"pain_score": "-1"}, {"pain_score": "lots"}):
        response = client.post(CHECK_IN, bad)
        assert response.status_code == 400
    assert not CheckIn.objects.exists()


def test_reporting_another_patients_exercise_is_refused(client, portal_world):
    client.force_login(portal_world.patient_user)
    other = exercise(portal_world, "OTHER")
    response = client.post(CHECK_IN, {"pain_score": "3", f"activity_{other.pk}": "done"})
    assert response.status_code == 302  # the unknown field is ignored by the form
    assert not CheckIn.objects.get().activity_reports.exists()


def test_a_red_flag_shows_urgent_advice_and_alerts_the_lead(
    client, portal_world, django_capture_on_commit_callbacks
):
    client.force_login(portal_world.patient_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHECK_IN, {"pain_score": "8", "red_flags": [RedFlag.BLADDER_OR_BOWEL]}
        )
    check_in = CheckIn.objects.get()
    assert response["Location"] == reverse("patientportal:check-in-urgent", args=[check_in.pk])
    urgent = client.get(response["Location"]).content.decode()
    assert "Call 999" in urgent
    assert RedFlag.BLADDER_OR_BOWEL.label in urgent

    alert = RedFlagAlert.objects.get()
    assert alert.plan == portal_world.plan
    assert alert.flags == [RedFlag.BLADDER_OR_BOWEL]
    (email,) = mail.outbox
    assert email.to == [portal_world.lead.email]
    assert f"/care/plans/{portal_world.plan.pk}/" in email.body
    assert portal_world.patient.family_name not in email.body
    assert AuditEvent.objects.filter(
        action="created",
        care_plan_id=portal_world.plan.pk,
        target_object_id=str(alert.pk),
        actor=portal_world.patient_user,
    ).exists()


def test_the_alert_email_goes_through_the_task(client, portal_world, kept_tasks):
    client.force_login(portal_world.patient_user)

    with mock.patch("django.db.transaction.on_commit", lambda fn: fn()):
        client.post(CHECK_IN, {"pain_score": "9", "red_flags": [RedFlag.SEVERE_PAIN_AFTER_FALL]})
    assert mail.outbox == []
    # Beside it, the alert's escalation waits for its time (tests/test_patient_escalation.py).
    (result,) = [r for r in kept_tasks.results if r.task.func is send_red_flag_alert_email.func]
    assert result.args == [RedFlagAlert.objects.get().pk]
    result.task.call(*result.args)
    assert mail.outbox[0].to == [portal_world.lead.email]


def test_alerts_appear_on_the_team_dashboard_until_acknowledged(client, portal_world):
    client.force_login(portal_world.patient_user)
    client.post(CHECK_IN, {"pain_score": "7", "red_flags": [RedFlag.LEG_NUMBNESS_OR_WEAKNESS]})
    alert = RedFlagAlert.objects.get()

    assert list(open_alerts_for_user(portal_world.team.physio)) == [alert]
    assert list(open_alerts_for_user(portal_world.team.outsider)) == []
    html = render_red_flag_alerts(team_request(portal_world.lead))
    assert portal_world.patient.full_name in html
    assert "numbness" in html
    assert render_red_flag_alerts(team_request(portal_world.team.outsider)).strip() == ""

    client.force_login(portal_world.team.outsider)
    url = reverse("patientportal_team:acknowledge-alert", args=[portal_world.plan.pk, alert.pk])
    assert client.post(url).status_code == 404
    client.force_login(portal_world.lead)
    answer = {"next": "dashboard", "outcome": AlertOutcome.CALLED_PATIENT}
    assert client.post(url, answer)["Location"] == reverse("careteam:dashboard")
    alert.refresh_from_db()
    assert alert.acknowledged_by == portal_world.lead
    assert list(open_alerts_for_user(portal_world.lead)) == []


def test_urgent_page_of_another_patient_is_404(client, portal_world):
    client.force_login(portal_world.other_user)
    client.post(CHECK_IN, {"pain_score": "7", "red_flags": [RedFlag.SEVERE_PAIN_AFTER_FALL]})
    check_in = CheckIn.objects.get()
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:check-in-urgent", args=[check_in.pk])
    assert client.get(url).status_code == 404


def test_check_in_service_refuses_to_record_for_someone_else(portal_world):
    with pytest.raises(PortalAccessDenied):
        record_check_in(portal_world.patient, portal_world.other_user, pain_score=3)


def test_trend_charts_with_tables_on_my_plan_and_the_team_panel(client, portal_world):
    client.force_login(portal_world.patient_user)
    for score in ("7", "5"):
        client.post(CHECK_IN, {"pain_score": score})
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert 'role="img"' in html
    assert "average pain over the last two weeks: <strong>6.0 out of 10</strong>" in html
    assert "Pain score over time" in html
    assert '<th scope="col">Pain score</th>' in html
    panel = render_portal_panel(team_request(portal_world.team.physio), portal_world.plan)
    assert f'id="plan-{portal_world.plan.pk}-pain-title"' in panel
    assert "pain 5/10" in panel


@pytest.mark.parametrize(
    "bad",
    [
        {"red_flags": ["itchy_toes"]},
        {"activity_outcomes": {"ALEX": "sideways"}},
        {"activity_outcomes": {"OTHER": "done"}},
        {"pain_score": 11},
    ],
)
def test_check_in_service_refuses_bad_input_for_a_future_api(portal_world, bad):
    outcomes = bad.get("activity_outcomes", {})
    bad = {
        **bad,
        "activity_outcomes": {
            exercise(portal_world, marker).pk: value for marker, value in outcomes.items()
        },
    }
    with pytest.raises(PortalActionError):
        record_check_in(portal_world.patient, portal_world.patient_user, **{"pain_score": 3, **bad})
    assert not CheckIn.objects.exists()
