"""The dashboard's patient search is a POST to /care/, so a patient's name or record number
never lands in a URL, the audit trail's path or the access logs."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from tests.careteam_fixtures import UiTeam, add_plans

pytestmark = pytest.mark.django_db


def lead_client(ui_team: UiTeam) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(ui_team.team.lead)
    return client


def search(client: Client, query: str) -> str:
    """Fill in the search form the dashboard shows (with its CSRF token) and submit it."""
    url = reverse("careteam:dashboard")
    html = client.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(url, {"q": query, "csrfmiddlewaretoken": token})
    assert response.status_code == 200  # shown in place: no redirect to a URL with the query
    return response.content.decode()


def test_the_search_form_posts_to_the_dashboard_with_a_csrf_token(ui_team: UiTeam):
    html = lead_client(ui_team).get(reverse("careteam:dashboard")).content.decode()
    form = html[html.index('class="careteam-search"') - 60 :]
    form = form[: form.index("</form>")]
    assert 'method="post" action="/care/"' in form
    assert 'name="csrfmiddlewaretoken"' in form and 'name="q"' in form


def test_a_search_by_post_finds_the_plan_by_family_name_and_by_record_number(ui_team: UiTeam):
    add_plans(ui_team.team.lead, 2)
    client = lead_client(ui_team)

    by_family_name = search(client, "Bulk101")
    assert "Plan 101" in by_family_name and "B-0101" in by_family_name
    assert "Plan 100" not in by_family_name and "T-0001" not in by_family_name

    by_record_number = search(client, "b-0100")
    assert "Plan 100" in by_record_number and "Bulk100" in by_record_number
    assert "Plan 101" not in by_record_number and "T-0001" not in by_record_number


def test_an_empty_search_shows_every_plan(ui_team: UiTeam):
    add_plans(ui_team.team.lead, 2)
    html = search(lead_client(ui_team), "   ")
    assert "Plan 100" in html and "Plan 101" in html and ui_team.plan.title in html
    assert "No plans on your teams match" not in html


def test_a_search_without_a_csrf_token_is_refused(ui_team: UiTeam):
    response = lead_client(ui_team).post(reverse("careteam:dashboard"), {"q": "Bulk100"})
    assert response.status_code == 403


def test_a_get_ignores_q_and_shows_every_plan(ui_team: UiTeam):
    add_plans(ui_team.team.lead, 2)
    response = lead_client(ui_team).get(reverse("careteam:dashboard"), {"q": "Bulk100"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Plan 100" in html and "Plan 101" in html and ui_team.plan.title in html
    assert 'value="Bulk100"' not in html and "matching" not in html


def test_audit_events_of_a_search_have_no_name_or_record_number_in_their_path(
    ui_team: UiTeam,
):
    add_plans(ui_team.team.lead, 2)
    client = lead_client(ui_team)
    for query in ("Bulk101", "B-0101"):
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        html = search(client, query)
        assert "Plan 101" in html
        events = AuditEvent.objects.exclude(pk__in=before)
        assert events.filter(detail__what="dashboard").exists()
        for path in events.values_list("path", flat=True):
            assert path == "/care/", f"searching {query!r} recorded the path {path!r}"
