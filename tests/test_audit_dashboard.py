"""A provider's dashboard records ONE view event naming the plans it listed, and each plan's
audit trail (the lead's) still shows that listing."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.services import plan_audit_trail
from careteam.services.history import plan_history
from careteam.views.dashboard import PLANS_PER_PAGE
from tests.careteam_fixtures import UiTeam, add_plans

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard_events(user):
    return AuditEvent.objects.filter(
        actor=user, action=AuditAction.VIEWED, detail__what="dashboard"
    )


def test_one_event_names_the_plans_listed_on_the_page(ui_team: UiTeam):
    lead = ui_team.team.lead
    plans = add_plans(lead, PLANS_PER_PAGE + 3, notes=0)
    client = client_for(lead)
    assert client.get(reverse("careteam:dashboard")).status_code == 200
    event = dashboard_events(lead).get()
    assert (event.care_plan_id, event.patient_id, event.path) == (None, None, "/care/")
    listed = event.detail["plans"]
    assert len(listed) == PLANS_PER_PAGE and len(set(listed)) == PLANS_PER_PAGE
    everyone = {ui_team.plan.pk, *(plan.pk for plan in plans)}
    assert set(listed) < everyone
    client.get(reverse("careteam:dashboard"), {"page": 2})
    second = dashboard_events(lead).order_by("-pk").first()
    assert set(second.detail["plans"]) == everyone - set(listed)


def test_a_dashboard_with_no_plans_records_nothing(ui_team: UiTeam):
    newcomer = ui_team.free_provider
    assert client_for(newcomer).get(reverse("careteam:dashboard")).status_code == 200
    assert not dashboard_events(newcomer).exists()


def test_the_plans_audit_trail_shows_the_listing_and_its_history_does_not(ui_team: UiTeam):
    team = ui_team.team
    other = add_plans(team.lead, 1, notes=0)[0]
    client_for(team.physio).get(reverse("careteam:dashboard"))
    listing = dashboard_events(team.physio).get()
    assert listing in plan_audit_trail(ui_team.plan, team.lead)
    assert listing not in plan_audit_trail(other, team.lead)  # the physio is not on it
    assert listing not in plan_history(ui_team.plan, team.lead)
    page = client_for(team.lead).get(reverse("careteam:plan-audit", args=[ui_team.plan.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "dashboard" in html and "t.physio" in html
