"""The privacy officers' review of the whole trail at /privacy/audit/: filters, pages, CSV,
404 for everyone else, and every look recorded."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from audit.privacy import PRIVACY_OFFICERS_GROUP, is_privacy_officer, privacy_officers
from audit.services import record_event
from careteam.services import record_plan_view
from tests.careteam_domain_fixtures import make_plan, make_user
from tests.careteam_fixtures import UiTeam, add_plans

URL = "/privacy/audit/"
EXPORT_URL = "/privacy/audit/export.csv"

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    user = make_user("p.officer", first_name="Priya", last_name="Officer")
    user.groups.add(Group.objects.get(name=PRIVACY_OFFICERS_GROUP))
    return user


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def reviews_by(user):
    return AuditEvent.objects.filter(actor=user, detail__what="audit_review")


def test_the_urls_are_where_the_readme_says():
    assert (reverse("privacy:audit"), reverse("privacy:audit-export")) == (URL, EXPORT_URL)


def test_privacy_officers_are_the_active_members_of_the_group(officer):
    former = make_user("p.former", is_active=False)
    former.groups.add(Group.objects.get(name=PRIVACY_OFFICERS_GROUP))
    assert list(privacy_officers()) == [officer]
    assert is_privacy_officer(officer) and not is_privacy_officer(former)


@pytest.mark.parametrize("who", ["lead", "superuser", "patient", "editor", "anonymous"])
def test_everyone_else_gets_404_and_the_refusal_is_recorded(ui_team: UiTeam, who):
    user = ui_team.actor(who)
    for url in (URL, EXPORT_URL, URL + "?action=peeked"):
        response = client_for(user).get(url)
        assert response.status_code == 404
        assert "Audit trail review" not in response.content.decode()
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, path__startswith="/privacy/")
    assert denied.count() == 3
    assert all(event.actor == user for event in denied)


def test_an_officer_sees_every_plans_events_and_the_look_is_recorded(ui_team, officer):
    other = make_plan(ui_team.team.spare_physician, "T-0999", title="Someone else's plan")
    record_plan_view(other, ui_team.team.spare_physician)
    response = client_for(officer).get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Audit trail review</h1>" in html
    assert "(T-0001)" in html and "(T-0999)" in html  # the patients, from any plan
    assert "t.spare" in html and "t.lead" in html
    assert (
        response["Cache-Control"].startswith("no-store")
        or "no-store" in (response["Cache-Control"])
    )
    look = reviews_by(officer).get()
    assert (look.detail["criteria"], look.detail["page_number"], look.path) == ({}, 1, URL)


def test_filters_by_user_patient_action_and_days(ui_team, officer):
    team = ui_team.team
    other = make_plan(team.spare_physician, "T-0999", title="Someone else's plan")
    record_plan_view(other, team.spare_physician)
    record_plan_view(ui_team.plan, team.physio)
    client = client_for(officer)

    by_user = client.get(URL, {"username": "T.SPARE"}).content.decode()
    assert "(T-0999)" in by_user and "(T-0001)" not in by_user

    by_patient = client.get(URL, {"record_number": "t-0001", "action": "viewed"})
    html = by_patient.content.decode()
    assert "(T-0001)" in html and "(T-0999)" not in html and "t.physio" in html
    look = reviews_by(officer).order_by("-pk").first()
    assert look.patient_id == ui_team.plan.patient_id  # in that patient's own trail too
    assert look.detail["criteria"] == {"record_number": "t-0001", "action": "viewed"}

    nobody = client.get(URL, {"record_number": "NO-SUCH"}).content.decode()
    assert "No events match." in nobody

    today = AuditEvent.objects.latest("occurred_at").occurred_at.date().isoformat()
    in_range = client.get(URL, {"date_from": today, "date_to": today}).content.decode()
    assert "(T-0999)" in in_range
    before = client.get(URL, {"date_to": "2001-01-01"}).content.decode()
    assert "No events match." in before


@pytest.mark.parametrize(
    "query",
    [
        {"date_from": "yesterday"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"date_from": "1999-12-31"},
        {"action": "peeked"},
        {"username": "x" * 151},
        {"date_to": "9999999-01-01"},
    ],
)
def test_bad_input_answers_400_with_messages_and_is_recorded(officer, query):
    response = client_for(officer).get(URL, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the problems below." in html and 'class="errorlist' in html
    look = reviews_by(officer).get()
    assert look.detail["refused_input"] is True
    export = client_for(officer).get(EXPORT_URL, query)
    assert export.status_code == 400


def test_pages_have_a_fixed_number_of_queries(ui_team, officer):
    client = client_for(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"action": "viewed"}).status_code == 200
        return len(queries)

    count()  # warm caches (content types)
    small = count()
    for plan in add_plans(ui_team.team.lead, 8):
        record_plan_view(plan, ui_team.team.lead)
    assert count() == small
    assert client.get(URL, {"page": "junk"}).status_code == 200


def test_pages_keep_the_filter_in_their_links(ui_team, officer):
    for _ in range(60):
        record_event(ui_team.team.lead, "viewed", None, plan=ui_team.plan)
    html = client_for(officer).get(URL, {"username": "t.lead"}).content.decode()
    assert "Page 1 of 2" in html
    assert 'href="?username=t.lead&amp;page=2"' in html
    assert 'href="/privacy/audit/export.csv?username=t.lead"' in html


def test_the_csv_export_streams_the_filtered_events_and_is_recorded(ui_team, officer):
    record_event(
        ui_team.team.physio,
        "viewed",
        None,
        plan=ui_team.plan,
        detail={"what": "=cmd|' /C calc'!A0"},
    )
    response = client_for(officer).get(EXPORT_URL, {"username": "t.physio"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["id", "occurred_at", "actor_username"]
    assert {row[2] for row in rows[1:]} == {"t.physio"}
    assert any(row[6] == "T-0001" for row in rows[1:])
    assert not any(cell.startswith("=") for row in rows for cell in row)  # no formulas
    export = AuditEvent.objects.get(actor=officer, detail__what="audit_export")
    assert export.detail["criteria"] == {"username": "t.physio"}
