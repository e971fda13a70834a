"""/my/plan/ and /my/reading/ take a fixed number of queries however much data there is."""

import uuid

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careteam.models import ActivityKind, Discipline
from careteam.services import add_precaution, create_activity, create_goal
from patientportal.models import ReadingAssignment, RedFlag
from patientportal.panels import render_portal_panel
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import ODI, PHQ9
from tests.portal_fixtures import make_article, make_treatment

pytestmark = pytest.mark.django_db

# Both pages: session, user (with what the navigation and the Wagtail user bar ask about:
# profiles, admin access), the navigation's count of unread messages (messaging), patient,
# the audit insert (no session save: accounts.sessions saves it at most once a minute).
# /my/plan/ adds: plans, precautions, goals, activities, team, unread count, pain chart
# and the flares shaded on it, every questionnaire's results (one query for all: the
# charts and the latest of each), the flare going on (if any).
MY_PLAN_QUERIES = 15
# /my/reading/ adds: the assignments (with pages and assigners), the site for page URLs.
MY_READING_QUERIES = 7
# A red-flag check-in (one current plan) on the database task queue: session, user,
# patient, the form's exercises, the service's check of them, the look-up of the form's
# one-time key; then one transaction (a savepoint here): the check-in, its plans (read,
# read back, linked), the audit insert, the alert and its audit insert, the queued email,
# the alert's queued escalation (the session is not saved: see above).
CHECK_IN_QUERIES = 17
# The same POST again (a double click): up to the key's look-up.
CHECK_IN_AGAIN_QUERIES = 6


def add_plan_items(world, count):
    pt = world.plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    for number in range(count):
        create_goal(pt, world.team.physio, description=f"Goal {number}")
        create_activity(
            pt, world.team.physio, kind=ActivityKind.EXERCISE, title=f"Exercise {number}"
        )
        create_activity(
            pt, world.team.physio, kind=ActivityKind.APPOINTMENT, title=f"Visit {number}"
        )
        add_precaution(world.plan, world.lead, description=f"Avoid {number}")
        record_check_in(world.patient, world.patient_user, pain_score=number % 11)
        record_questionnaire(
            world.patient, world.patient_user, ODI, dict.fromkeys(ODI.item_keys, number % 6)
        )
        record_questionnaire(
            world.patient, world.patient_user, PHQ9, dict.fromkeys(PHQ9.item_keys, number % 4)
        )


def add_reading(world, site_tree, count, offset=0):
    for number in range(offset, offset + count):
        if number % 2:
            page = make_article(site_tree.articles, f"Article {number}")
        else:
            page = make_treatment(site_tree.treatments, f"Treatment {number}")
        ReadingAssignment.objects.create(
            plan=world.plan,
            page=page,
            page_title=page.title,
            assigned_by=world.team.physio if number % 3 else world.lead,
            read_at=None if number % 2 else "2026-01-01T10:00Z",
            helpful=bool(number % 4) if number % 2 == 0 else None,
        )


def count_queries(client, url):
    client.get(url)  # warm Wagtail's cached site root paths, as on a running server
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def test_my_plan_query_count_is_fixed(client, portal_world):
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:plan")
    add_plan_items(portal_world, 2)
    few, _ = count_queries(client, url)
    add_plan_items(portal_world, 18)
    many, response = count_queries(client, url)
    assert "Exercise 17" in response.content.decode()
    assert few == many == MY_PLAN_QUERIES


def test_my_reading_query_count_is_fixed(client, portal_world, site_tree):
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:reading")
    add_reading(portal_world, site_tree, 2)
    few, _ = count_queries(client, url)
    add_reading(portal_world, site_tree, 18, offset=2)
    many, response = count_queries(client, url)
    assert "Article 19" in response.content.decode()
    assert few == many == MY_READING_QUERIES


def test_team_panel_query_count_is_fixed(portal_world, site_tree):
    request = RequestFactory().get("/care/")
    request.user = portal_world.team.physio

    def panel_queries():
        render_portal_panel(request, portal_world.plan)  # warm content types and site caches
        with CaptureQueriesContext(connection) as captured:
            html = render_portal_panel(request, portal_world.plan)
        return len(captured), html

    add_reading(portal_world, site_tree, 2)
    add_plan_items(portal_world, 2)
    few, _ = panel_queries()
    add_reading(portal_world, site_tree, 18, offset=2)
    add_plan_items(portal_world, 18)
    for _ in range(5):
        record_check_in(
            portal_world.patient,
            portal_world.patient_user,
            pain_score=9,
            red_flags=[RedFlag.BLADDER_OR_BOWEL],
        )
    many, html = panel_queries()
    assert "Article 19" in html and "Red flag: " in html  # in the latest check-ins
    assert few == many


def test_a_red_flag_check_in_and_its_retry_take_a_fixed_number_of_queries(
    client, portal_world, database_queue
):
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:check-in")
    answers = {"pain_score": "8", "red_flags": [RedFlag.BLADDER_OR_BOWEL]}
    client.post(url, answers)  # warm the content types the audit events name

    def posted(key):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(url, {**answers, "submission_key": key})
        assert response.status_code == 302
        return len(captured)

    key = str(uuid.uuid4())
    assert posted(key) == CHECK_IN_QUERIES
    assert posted(key) == CHECK_IN_AGAIN_QUERIES
