"""The patient-portal parts of the care team's pages: red-flag alerts on the dashboard and
the portal panel (access, reading, check-ins, trends) on the plan page."""

import pytest
from django.urls import reverse

from patientportal.models import RedFlag
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db


def test_dashboard_shows_red_flag_alerts_to_the_team_only(client, portal_world):
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    client.force_login(portal_world.lead)
    html = client.get(reverse("careteam:dashboard")).content.decode()
    assert "Alerts waiting (1): red flags and safety answers" in html
    assert portal_world.patient.full_name in html
    client.force_login(portal_world.team.outsider)
    assert "Alerts waiting" not in client.get(reverse("careteam:dashboard")).content.decode()


def test_plan_page_shows_the_portal_panel(client, portal_world, site_tree):
    page = make_article(site_tree.articles, "Pacing basics")
    assign_reading(portal_world.plan, portal_world.lead, page, note="For the diary")
    record_check_in(portal_world.patient, portal_world.patient_user, pain_score=5, note="Okay week")
    client.force_login(portal_world.team.contributor)
    html = client.get(reverse("careteam:plan-detail", args=[portal_world.plan.pk])).content.decode()
    assert 'id="portal-panel-heading"' in html
    assert "Pacing basics" in html and "Unread" in html
    assert reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk]) in html
    assert "Pain score over time" in html and "pain 5/10" in html
    revoke_url = reverse("patientportal_team:revoke", args=[portal_world.plan.pk])
    assert revoke_url not in html  # portal access is the lead's to manage
    client.force_login(portal_world.lead)
    html = client.get(reverse("careteam:plan-detail", args=[portal_world.plan.pk])).content.decode()
    assert revoke_url in html
