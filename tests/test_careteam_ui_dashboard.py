"""The dashboard's search (a POST, so nothing private lands in a URL) and pagination, and
fixed query counts for the dashboard and the plan page however much data there is."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from careteam.models import Discipline, TeamRole
from careteam.services import (
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_activity,
    create_goal,
)
from careteam.views.dashboard import PLANS_PER_PAGE
from patientportal.services.schedules import schedule_questionnaire
from tests.careteam_domain_fixtures import make_provider
from tests.careteam_fixtures import UiTeam, add_plans
from tests.patient_fixtures import activate_plan

OVERDUE_BY = datetime.timedelta(days=3)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str, search: dict | None = None) -> int:
    """Queries for one GET, or one POST of the search form when ``search`` is given."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url) if search is None else client.post(url, search)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_dashboard_lists_my_plans_with_role_and_newest_note(ui_team: UiTeam):
    add_team_note(ui_team.plan, ui_team.team.lead, "Newest word from the lead.")
    body = client_for(ui_team.team.physio).get(reverse("careteam:dashboard")).content.decode()
    assert "Pat Example T-0001" in body
    assert "Physical therapy" in body  # my role
    assert "Newest word from the lead." in body
    assert ">Draft</span>" in body  # status as text, not colour only


@pytest.mark.django_db
def test_dashboard_search_by_name_or_record_number(ui_team: UiTeam):
    add_plans(ui_team.team.lead, 3)
    lead = client_for(ui_team.team.lead)
    url = reverse("careteam:dashboard")

    by_number = lead.post(url, {"q": "b-0101"}).content.decode()
    assert "Bulk101" in by_number and "Bulk100" not in by_number and "T-0001" not in by_number

    by_name = lead.post(url, {"q": "pat example"}).content.decode()
    assert "Pat Example T-0001" in by_name and "Bulk" not in by_name

    nothing = lead.post(url, {"q": "zzz"}).content.decode()
    assert "No plans on your teams match" in nothing


@pytest.mark.django_db
def test_search_never_finds_plans_of_other_teams(ui_team: UiTeam):
    add_plans(ui_team.team.spare_physician, 2)
    body = client_for(ui_team.team.lead).post(reverse("careteam:dashboard"), {"q": "Bulk"})
    html = body.content.decode()
    assert "No plans on your teams match" in html
    assert "Bulk100" not in html and "B-0100" not in html


@pytest.mark.django_db
def test_dashboard_paginates(ui_team: UiTeam):
    add_plans(ui_team.team.lead, PLANS_PER_PAGE + 2)
    lead = client_for(ui_team.team.lead)
    url = reverse("careteam:dashboard")
    first = lead.get(url).content.decode()
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = lead.get(url, {"page": 2}).content.decode()
    assert "Page 2 of 2" in second
    # 1 plan from the fixture + PLANS_PER_PAGE + 2 more: three on the second page.
    assert second.count('<th scope="row">') == 3
    # Out-of-range or junk page numbers fall back to a real page instead of failing.
    assert lead.get(url, {"page": "999"}).status_code == 200
    assert lead.get(url, {"page": "abc"}).status_code == 200
    # A search's pages are POSTs that carry the query in a hidden field, not in links.
    searched = lead.post(url, {"page": 2, "q": "Bulk"}).content.decode()
    assert "Page 2 of 2" in searched
    assert searched.count('<th scope="row">') == 2  # the fixture's plan does not match
    assert '<input type="hidden" name="q" value="Bulk">' in searched
    assert 'name="page" value="1"' in searched and "q=Bulk" not in searched


@pytest.mark.django_db
def test_dashboard_query_count_does_not_grow_with_plans_or_notes(ui_team: UiTeam, monkeypatch):
    lead = client_for(ui_team.team.lead)
    url = reverse("careteam:dashboard")
    count_queries(lead, url)  # warm caches (content types)
    small = count_queries(lead, url)
    small_search = count_queries(lead, url, {"q": "Example"})  # finds the fixture's plan
    plans = add_plans(ui_team.team.lead, PLANS_PER_PAGE + 5, notes=3)
    # Every new patient has a questionnaire overdue (the overdue panel: one query).
    days_ago = timezone.now() - OVERDUE_BY
    monkeypatch.setattr(timezone, "now", lambda: days_ago)
    for plan in plans:
        schedule_questionnaire(ui_team.team.lead, activate_plan(plan), "peg")
    monkeypatch.undo()
    assert "Overdue for patients" in lead.get(url).content.decode()
    large = count_queries(lead, url)
    large_search = count_queries(lead, url, {"q": "Bulk"})  # a full page of results
    assert small == large, f"{small} queries with 1 plan, {large} with many"
    assert small_search == large_search == small, (
        f"search: {small_search} queries for 1 match, {large_search} for many; {small} listing"
    )


def grow_plan(ui: UiTeam, size: int) -> None:
    plan, lead = ui.plan, ui.team.lead
    mind = ui.team.mental_health
    for number in range(size):
        for discipline in (Discipline.PAIN_MANAGEMENT, Discipline.PHYSICAL_THERAPY):
            section = ui.team.section(discipline)
            create_goal(section, lead, description=f"Goal {number}")
            create_activity(section, lead, kind="exercise", title=f"Activity {number}")
        add_precaution(plan, lead, description=f"Precaution {number}")
        add_team_note(plan, lead, f"Team note {number}")
        add_private_note(plan, mind, f"Private note {number}")
        member = make_provider(f"t.extra{number}", Discipline.NURSING)
        add_member(plan, lead, member, TeamRole.CONTRIBUTOR)


# Session; user (with their profiles and whether they may open the Wagtail admin); the
# plan with the user's role on its team and on the patient's open plans; their grants (one
# union); the team notes' page with its count; one INSERT for the reads the page records
# (mental health: the psychotherapy notes' page too); the history (the last visit, what
# changed since, the newest changes: one query); sections, what their goals and activities
# are (one summary; the rows themselves, two queries more, only when a section's tables
# are drawn again: DRAWING_SECTIONS), precautions, team; the open and acknowledged
# red-flag alerts (one query for both panels), the portal invitation, the check-ins the
# chart draws (the latest among them, and how their exercises went, with the open
# alerts'), the flares shaded on it, reading, every questionnaire's results (one query
# for all the instruments; whether a member may see the mental-health ones is read from
# the grants already read). Notes come a page at a time: the count stays the same however
# many there are (tests/test_careteam_plan_page_queries.py: with check-ins, alerts,
# questionnaires and reading too).
PLAN_PAGE_QUERIES = {"lead": 17, "mental_health": 17, "contributor": 17}
DRAWING_SECTIONS = 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "mental_health", "contributor"])
def test_plan_page_query_count_is_fixed(ui_team: UiTeam, role: str):
    client = client_for(ui_team.actor(role))
    url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    count_queries(client, url)
    small = count_queries(client, url)
    grow_plan(ui_team, 6)
    drawn_again = count_queries(client, url)
    large = count_queries(client, url)
    assert small == large, f"{small} queries for a small plan, {large} for a large one"
    assert small == PLAN_PAGE_QUERIES[role]
    assert drawn_again == small + DRAWING_SECTIONS  # every section's rows at once
    body = client.get(url).content.decode()
    assert "Goal 5" in body and "Team note 5" in body and "t.extra5" in body


@pytest.mark.django_db
def test_plan_page_goal_and_activity_cells_name_their_column_for_phones(ui_team: UiTeam):
    url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    html = client_for(ui_team.actor("lead")).get(url).content.decode()
    assert 'class="careteam-stack"' in html
    assert 'data-label="Measure and target"' in html and 'data-label="Instructions"' in html


@pytest.mark.django_db
def test_dashboard_rows_name_their_columns_for_phones(ui_team: UiTeam):
    html = client_for(ui_team.actor("lead")).get(reverse("careteam:dashboard")).content.decode()
    assert 'class="careteam-table careteam-stack"' in html
    assert 'data-label="My role"' in html and 'data-label="Newest team note"' in html
