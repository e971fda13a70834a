"""Acknowledging a red-flag alert asks what was done (called the patient, advised emergency
care, arranged an urgent review, no action needed) and takes a note, required for "no
action needed". Both are kept on the alert, shown on the plan and audited; the first
acknowledgement counts, and a second made from a page that still showed the alert open is
told who was first (patientportal.services.alerts)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from patientportal.models import AlertOutcome, RedFlag, RedFlagAlert
from patientportal.services.alerts import acknowledge_alert
from patientportal.services.checkins import record_check_in
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db

NOTE = "Known disc bulge; symptoms unchanged since the MRI. Reviewed with the patient."


@pytest.fixture
def alert(portal_world) -> RedFlagAlert:
    check_in = record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    return RedFlagAlert.objects.get(check_in=check_in)


def changes_to(alert: RedFlagAlert):
    return AuditEvent.objects.filter(
        action=AuditAction.CHANGED,
        target_content_type=ContentType.objects.get_for_model(RedFlagAlert),
        target_object_id=str(alert.pk),
    )


def page_url(alert: RedFlagAlert, query: str = "") -> str:
    path = reverse("patientportal_team:acknowledge-alert", args=[alert.plan_id, alert.pk])
    return path + query


def test_acknowledging_keeps_what_was_done_and_the_note_and_audits_them(portal_world, alert):
    physio = portal_world.team.physio
    acknowledge_alert(alert, physio, outcome=AlertOutcome.NO_ACTION_NEEDED, note=f"  {NOTE} ")
    alert.refresh_from_db()
    assert alert.acknowledged_by == physio
    assert (alert.outcome, alert.outcome_note) == (AlertOutcome.NO_ACTION_NEEDED, NOTE)
    event = changes_to(alert).get()
    assert event.actor == physio
    assert event.care_plan_id == portal_world.plan.pk
    assert event.detail["changes"]["outcome"] == ["", AlertOutcome.NO_ACTION_NEEDED]
    assert event.detail["changes"]["outcome_note"] == ["", NOTE]


@pytest.mark.parametrize("note", ["", "   \n "])
def test_no_action_needed_without_a_note_is_refused_and_changes_nothing(portal_world, alert, note):
    with pytest.raises(ValidationError) as refused:
        acknowledge_alert(
            alert, portal_world.lead, outcome=AlertOutcome.NO_ACTION_NEEDED, note=note
        )
    assert refused.value.message_dict == {
        "outcome_note": ["Say in the note why no action is needed."]
    }
    alert.refresh_from_db()
    assert alert.is_open and alert.outcome == ""
    assert not changes_to(alert).exists()


@pytest.mark.parametrize("outcome", ["", "waited_and_saw", "no_action_needed "])
def test_a_missing_or_unknown_outcome_is_refused(portal_world, alert, outcome):
    with pytest.raises(ValidationError) as refused:
        acknowledge_alert(alert, portal_world.lead, outcome=outcome)
    assert set(refused.value.message_dict) == {"outcome"}
    alert.refresh_from_db()
    assert alert.is_open


def test_the_other_outcomes_need_no_note(portal_world, alert):
    acknowledge_alert(alert, portal_world.lead, outcome=AlertOutcome.ADVISED_EMERGENCY_CARE)
    alert.refresh_from_db()
    assert (alert.outcome, alert.outcome_note) == (AlertOutcome.ADVISED_EMERGENCY_CARE, "")


def test_the_page_asks_what_was_done_and_the_plan_then_shows_it(client, portal_world, alert):
    client.force_login(portal_world.team.contributor)
    page = client.get(page_url(alert))
    html = page.content.decode()
    assert page.status_code == 200
    assert_accessible_page(html)
    for value, label in AlertOutcome.choices:
        assert f'value="{value}"' in html
        assert escape(label) in html
    viewed = AuditEvent.objects.get(
        action=AuditAction.VIEWED, detail__what="acknowledge alert form"
    )
    assert viewed.target_object_id == str(alert.pk)

    refused = client.post(page_url(alert), {"outcome": AlertOutcome.NO_ACTION_NEEDED})
    assert refused.status_code == 400
    assert "Say in the note why no action is needed." in refused.content.decode()
    assert_accessible_page(refused.content.decode())

    answer = {"outcome": AlertOutcome.NO_ACTION_NEEDED, "outcome_note": NOTE}
    response = client.post(page_url(alert), answer)
    plan_page = reverse("careteam:plan-detail", args=[alert.plan_id])
    assert response["Location"] == plan_page
    shown = client.get(plan_page).content.decode()
    assert "Red-flag alerts acknowledged" in shown
    assert "No action needed" in shown
    assert escape(NOTE) in shown
    assert page_url(alert) not in shown  # no longer waiting


def test_a_second_acknowledgement_is_a_409_saying_who_was_first(client, portal_world, alert):
    acknowledge_alert(alert, portal_world.lead, outcome=AlertOutcome.CALLED_PATIENT)
    client.force_login(portal_world.team.physio)
    answer = {"outcome": AlertOutcome.NO_ACTION_NEEDED, "outcome_note": NOTE}
    response = client.post(page_url(alert), answer)
    html = response.content.decode()
    assert response.status_code == 409
    assert "acknowledged this alert first" in html
    assert "called the patient" in html
    assert_accessible_page(html)
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.outcome) == (portal_world.lead, "called_patient")
    assert changes_to(alert).count() == 1


@pytest.mark.parametrize(
    ("next_page", "lands_on"),
    [
        ("dashboard", "/care/"),
        ("clinic-alerts", "/care/alerts/"),
        ("https://elsewhere.example/", None),
        ("", None),
    ],
)
def test_after_acknowledging_the_page_goes_back_where_it_was_opened_from_and_nowhere_else(
    client, portal_world, alert, next_page, lands_on
):
    client.force_login(portal_world.lead)
    form = client.get(page_url(alert, f"?next={next_page}")).content.decode()
    carried = f'name="next" value="{next_page}"' in form
    assert carried == (lands_on is not None)
    answer = {"outcome": AlertOutcome.CALLED_PATIENT, "next": next_page}
    response = client.post(page_url(alert), answer)
    expected = lands_on or reverse("careteam:plan-detail", args=[alert.plan_id])
    assert response["Location"] == expected


def test_the_plan_and_dashboard_link_to_the_form_instead_of_acknowledging_at_once(
    client, portal_world, alert
):
    client.force_login(portal_world.lead)
    dashboard = client.get(reverse("careteam:dashboard")).content.decode()
    assert escape(page_url(alert, "?next=dashboard")) in dashboard
    plan = client.get(reverse("careteam:plan-detail", args=[alert.plan_id])).content.decode()
    assert page_url(alert) in plan
    alert.refresh_from_db()
    assert alert.is_open
