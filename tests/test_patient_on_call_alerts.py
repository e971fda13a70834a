"""The clinic's red-flag alerts at /care/alerts/, for whoever is on call: every open alert and
those acknowledged in the last seven days, open first, newest first, by patient record
number, with each plan's link (patientportal.services.on_call).

Who may read it is the policy's (``ClinicAction.VIEW_CLINIC_ALERTS``): providers in the
"On call" group. Other providers get 403 with the policy's sentence, everyone else 404,
each refusal audited; reading it is one audited event naming the alerts listed. The list
opens no plan: that still takes a place on the team or an emergency access.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from careteam.policy import ON_CALL_GROUP, ClinicAction, may_view_clinic_alerts, refusal
from careteam.services import open_emergency_access
from patientportal.models import AlertOutcome, RedFlag, RedFlagAlert
from patientportal.services.alerts import acknowledge_alert
from patientportal.services.checkins import record_check_in
from patientportal.services.escalation import escalate_overdue_alerts
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db

ALERTS = "/care/alerts/"


def put_on_call(user):
    user.groups.add(Group.objects.get(name=ON_CALL_GROUP))
    return user


def raise_alert(patient, user, *, minutes_ago: int) -> RedFlagAlert:
    check_in = record_check_in(patient, user, pain_score=8, red_flags=[RedFlag.BLADDER_OR_BOWEL])
    alert = RedFlagAlert.objects.get(check_in=check_in)
    created = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    RedFlagAlert.objects.filter(pk=alert.pk).update(created_at=created)
    alert.refresh_from_db()
    return alert


def acknowledged_days_ago(alert: RedFlagAlert, actor, days: int) -> RedFlagAlert:
    acknowledge_alert(alert, actor, outcome=AlertOutcome.ADVISED_EMERGENCY_CARE)
    when = timezone.now() - datetime.timedelta(days=days)
    RedFlagAlert.objects.filter(pk=alert.pk).update(acknowledged_at=when)
    alert.refresh_from_db()
    return alert


@pytest.fixture
def alerts(portal_world) -> dict[str, RedFlagAlert]:
    """Two open alerts (one escalated), one acknowledged two days ago and one eight."""
    world = portal_world
    patient, other = world.patient, world.other_plan.patient
    old = raise_alert(patient, world.patient_user, minutes_ago=60 * 24 * 9)
    acknowledged_days_ago(old, world.lead, 8)
    closed = raise_alert(other, world.other_user, minutes_ago=60 * 24 * 2 + 30)
    acknowledged_days_ago(closed, world.team.physio, 2)
    escalated = raise_alert(patient, world.patient_user, minutes_ago=45)
    escalate_overdue_alerts()
    newest = raise_alert(other, world.other_user, minutes_ago=5)
    return {"old": old, "closed": closed, "escalated": escalated, "newest": newest}


@pytest.fixture
def on_call_nurse():
    """On call, on no team, not a physician: reads the list, opens no plan."""
    return put_on_call(make_provider("t.oncall", Discipline.NURSING))


def rows(html: str) -> list[str]:
    """The table rows of the page's tables, in order, as the text between <tr> tags."""
    return [row.split("</tr>")[0] for row in html.split("<tr>")[1:]]


def test_the_list_shows_open_alerts_then_those_closed_this_week_newest_first(
    client, portal_world, alerts, on_call_nurse
):
    client.force_login(on_call_nurse)
    response = client.get(ALERTS)
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    body_rows = [row for row in rows(html) if '<th scope="row">' in row]
    assert [row.split("Record ")[1].split("<")[0] for row in body_rows] == [
        "T-0002",  # the newest open alert
        "T-0001",  # open, escalated
        "T-0002",  # acknowledged two days ago
    ]
    newest, escalated, closed = body_rows
    assert "Open" in newest and "Not yet: at" in newest
    assert "<strong>Yes</strong>" in escalated
    assert "t.physio" in closed and "Advised emergency care (A&amp;E)" in closed
    assert "Other plan OTHERPLAN" in newest and "Stability first" in escalated
    # Record numbers, plan titles and times; no names, no symptoms.
    main = html.split("<main", 1)[1].split("</main>")[0]
    assert portal_world.patient.family_name not in main
    assert "bladder" not in main.lower()


def test_the_list_opens_no_plan_a_nurse_on_call_is_not_on_the_team_of(
    client, portal_world, alerts, on_call_nurse
):
    client.force_login(on_call_nurse)
    html = client.get(ALERTS).content.decode()
    plan_page = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    assert plan_page not in html
    assert "Not on your teams" in html
    assert reverse("careteam:emergency-access") not in html  # not a physician
    assert client.get(plan_page).status_code == 404


def test_a_physician_on_call_is_pointed_to_emergency_access_and_then_opens_the_plan(
    client, portal_world, alerts
):
    physician = put_on_call(portal_world.team.spare_physician)
    client.force_login(physician)
    html = client.get(ALERTS).content.decode()
    assert reverse("careteam:emergency-access") in html
    open_emergency_access(physician, portal_world.plan, "On call: red flag not acknowledged.")
    html = client.get(ALERTS).content.decode()
    plan_page = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    assert f'href="{plan_page}"' in html
    acknowledge = reverse(
        "patientportal_team:acknowledge-alert", args=[portal_world.plan.pk, alerts["escalated"].pk]
    )
    assert acknowledge not in html  # emergency access only reads
    assert client.get(plan_page).status_code == 200


def test_a_team_member_on_call_may_acknowledge_from_the_list(client, portal_world, alerts):
    client.force_login(put_on_call(portal_world.team.physio))
    html = client.get(ALERTS).content.decode()
    escalated = alerts["escalated"]
    acknowledge = reverse(
        "patientportal_team:acknowledge-alert", args=[escalated.plan_id, escalated.pk]
    )
    assert escape(f"{acknowledge}?next=clinic-alerts") in html
    response = client.post(
        acknowledge, {"outcome": AlertOutcome.CALLED_PATIENT, "next": "clinic-alerts"}
    )
    assert response["Location"] == ALERTS


def test_reading_the_list_is_one_audited_event_naming_the_alerts_and_plans(
    client, portal_world, alerts, on_call_nurse
):
    client.force_login(on_call_nurse)
    before = AuditEvent.objects.filter(action=AuditAction.VIEWED).count()
    client.get(ALERTS)
    assert AuditEvent.objects.filter(action=AuditAction.VIEWED).count() == before + 1
    event = AuditEvent.objects.get(actor=on_call_nurse, action=AuditAction.VIEWED)
    listed = [alerts[name].pk for name in ("newest", "escalated", "closed")]
    assert event.detail == {
        "what": "clinic alerts",
        "alerts": listed,
        "plans": sorted({portal_world.plan.pk, portal_world.other_plan.pk}),
    }
    assert event.path == ALERTS
    # Each listed plan's audit trail shows that the on-call list named it.
    for plan in (portal_world.plan, portal_world.other_plan):
        assert event in AuditEvent.objects.trail_for_plan(plan)


def test_providers_not_on_call_are_refused_403_with_the_policy_sentence(
    client, portal_world, alerts
):
    lead = portal_world.lead
    client.force_login(lead)
    response = client.get(ALERTS)
    html = response.content.decode()
    assert response.status_code == 403
    assert escape(refusal(ClinicAction.VIEW_CLINIC_ALERTS)) in html
    assert "T-0002" not in html
    denied = AuditEvent.objects.get(actor=lead, action=AuditAction.DENIED)
    assert denied.detail["permission"] == ClinicAction.VIEW_CLINIC_ALERTS


@pytest.mark.parametrize("who", ["patient", "superuser", "staff in the on-call group"])
def test_anyone_not_a_provider_gets_404_on_call_group_or_not(client, portal_world, alerts, who):
    user = {
        "patient": lambda: portal_world.patient_user,
        "superuser": lambda: make_user("t.root", is_staff=True, is_superuser=True),
        "staff in the on-call group": lambda: put_on_call(make_user("t.desk", is_staff=True)),
    }[who]()
    assert not may_view_clinic_alerts(user)
    client.force_login(user)
    assert client.get(ALERTS).status_code == 404
    denied = AuditEvent.objects.get(actor=user, action=AuditAction.DENIED)
    assert denied.detail["permission"] == ClinicAction.OPEN_PROVIDER_PAGES


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(ALERTS)["Location"].startswith(reverse("login"))


def test_whoever_is_on_call_finds_the_list_from_their_dashboard(client, portal_world):
    client.force_login(portal_world.lead)
    assert ALERTS not in client.get(reverse("careteam:dashboard")).content.decode()
    put_on_call(portal_world.lead)
    assert ALERTS in client.get(reverse("careteam:dashboard")).content.decode()
