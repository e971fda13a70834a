"""The reading assigned on a plan, as its team sees it: the plan page lists the first few,
unread first, and links to the plan's reading page, which lists them all, a page at a time."""

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.team_panel import READING_ON_PLAN_PAGE
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

ASSIGNED = READING_ON_PLAN_PAGE + 3


@pytest.fixture
def assigned(site_tree, portal_world):
    for number in range(ASSIGNED):
        page = make_article(site_tree.articles, f"Pacing guide part {number:02d}")
        assign_reading(portal_world.plan, portal_world.lead, page)
    return portal_world


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_plan_page_lists_the_first_few_assignments_and_links_to_the_rest(assigned):
    html = client_for(assigned.team.physio).get(
        reverse("careteam:plan-detail", args=[assigned.plan.pk])
    )
    body = html.content.decode()
    table = body[
        body.index('class="reading-table"') : body.index(
            "</table>", body.index('class="reading-table"')
        )
    ]
    assert table.count("Pacing guide part") == READING_ON_PLAN_PAGE
    assert f"{READING_ON_PLAN_PAGE} of {ASSIGNED} shown" in body
    assert reverse("patientportal_team:reading", args=[assigned.plan.pk]) in body


def test_the_reading_page_lists_every_assignment_and_is_audited(assigned):
    url = reverse("patientportal_team:reading", args=[assigned.plan.pk])
    response = client_for(assigned.team.mental_health).get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for number in range(ASSIGNED):
        assert f"Pacing guide part {number:02d}" in body
    assert AuditEvent.objects.filter(
        actor=assigned.team.mental_health,
        action=AuditAction.VIEWED,
        care_plan_id=assigned.plan.pk,
        detail__what="assigned reading",
    ).exists()


def test_someone_off_the_team_gets_a_404_and_no_titles(assigned):
    url = reverse("patientportal_team:reading", args=[assigned.plan.pk])
    for user in (assigned.team.outsider, assigned.other_user):
        response = client_for(user).get(url)
        assert response.status_code == 404
        assert b"Pacing guide" not in response.content


def test_a_page_number_out_of_range_shows_the_last_page_not_an_error(assigned):
    url = reverse("patientportal_team:reading", args=[assigned.plan.pk])
    client = client_for(assigned.lead)
    for page in ("99", "x", "-1"):
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        assert b"Pacing guide part" in response.content
