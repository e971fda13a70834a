"""The JSON API's care plans, as the web UI has them: a provider reads the plans of their
teams (filtered and paged, one audit event per list), each with an ETag; changes need
If-Match (428 without it, 412 when stale) and follow the policy (each discipline its own
section); bad input gets RFC 9457 problem details, never a 500; a patient reads only their
own plan and only what the team marked for them."""

from __future__ import annotations

import json

import pytest

from audit.models import API_LISTING, AuditAction, AuditEvent
from careteam.models import Discipline, Goal
from careteam.services import update_goal
from tests.api_fixtures import token_client

pytestmark = pytest.mark.django_db


def plan_url(plan, rest: str = "") -> str:
    return f"/api/v1/plans/{plan.pk}{rest}"


def test_a_lead_lists_the_plans_of_their_teams_filtered_and_paged_with_one_audit_event(
    portal_world, django_assert_num_queries
):
    api = token_client(portal_world.lead)
    api.get("/api/v1/plans/")  # warm: the token's first use is written, caches filled
    # the token, the page, the count, the audit event (and its place on the chain)
    with django_assert_num_queries(5):
        everything = api.get("/api/v1/plans/").json()
    assert everything["count"] == 2
    assert {item["id"] for item in everything["items"]} == {
        portal_world.plan.pk,
        portal_world.other_plan.pk,
    }

    page = api.get("/api/v1/plans/?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1
    only = api.get(f"/api/v1/plans/?patient={portal_world.other_plan.patient_id}").json()
    assert [item["id"] for item in only["items"]] == [portal_world.other_plan.pk]
    assert api.get("/api/v1/plans/?status=draft").json()["count"] == 0

    listing = AuditEvent.objects.filter(detail__what=API_LISTING).order_by("pk").first()
    assert sorted(listing.detail["plans"]) == sorted(
        [portal_world.plan.pk, portal_world.other_plan.pk]
    )
    assert listing in AuditEvent.objects.trail_for_plan(portal_world.other_plan)


def test_a_provider_on_no_team_lists_nothing_and_reads_nothing(portal_world):
    api = token_client(portal_world.team.outsider)

    assert api.get("/api/v1/plans/").json() == {"count": 0, "items": []}
    refused = api.get(plan_url(portal_world.plan))
    assert refused.status_code == 404
    assert portal_world.plan.title not in refused.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=portal_world.team.outsider
    ).exists()


def test_a_plan_reads_whole_with_its_etag_and_a_change_needs_if_match(portal_world):
    api = token_client(portal_world.lead)
    read = api.get(plan_url(portal_world.plan))
    assert read.status_code == 200
    etag = read["ETag"]
    assert etag == f'"{portal_world.plan.pk}-{portal_world.plan.version}"'
    body = read.json()
    assert {goal["description"] for goal in body["goals"]} >= {"ALEX HIDDEN goal"}

    missing = api.patch(plan_url(portal_world.plan), {"title": "Renamed"})
    assert missing.status_code == 428
    assert missing["Content-Type"] == "application/problem+json"

    changed = api.patch(plan_url(portal_world.plan), {"title": "Renamed"}, etag=etag)
    assert changed.status_code == 200 and changed.json()["title"] == "Renamed"
    assert changed["ETag"] != etag

    stale = api.patch(plan_url(portal_world.plan), {"title": "Overwritten"}, etag=etag)
    assert stale.status_code == 412
    assert stale["ETag"] == changed["ETag"]
    portal_world.plan.refresh_from_db()
    assert portal_world.plan.title == "Renamed"


def test_a_change_that_lands_between_the_check_and_the_write_is_still_refused(portal_world):
    """The service checks the version again under its lock: the API's check is not the
    only one."""
    goal = Goal.objects.get(description="ALEX walk 30 minutes without a flare")
    api = token_client(portal_world.team.physio)
    etag = api.get(plan_url(portal_world.plan, f"/goals/{goal.pk}"))["ETag"]
    update_goal(goal, portal_world.team.physio, goal.version, target="45 min")

    response = api.patch(
        plan_url(portal_world.plan, f"/goals/{goal.pk}"), {"target": "1 h"}, etag=etag
    )

    assert response.status_code == 412
    assert Goal.objects.get(pk=goal.pk).target == "45 min"


def test_only_the_lead_changes_the_plan_and_a_therapist_only_their_own_section(portal_world):
    physio = token_client(portal_world.team.physio)
    etag = physio.get(plan_url(portal_world.plan))["ETag"]

    refused = physio.patch(plan_url(portal_world.plan), {"title": "Mine now"}, etag=etag)
    assert refused.status_code == 403
    assert refused.json()["detail"]

    own = physio.post(
        plan_url(portal_world.plan, "/goals"),
        {"discipline": Discipline.PHYSICAL_THERAPY, "description": "Stand on one leg for 30 s"},
    )
    assert own.status_code == 201 and own["ETag"]
    other = physio.post(
        plan_url(portal_world.plan, "/goals"),
        {"discipline": Discipline.MENTAL_HEALTH, "description": "Not my section"},
    )
    assert other.status_code == 403
    assert not Goal.objects.filter(description="Not my section").exists()


def test_a_goal_is_changed_and_deleted_with_its_etag(portal_world):
    api = token_client(portal_world.team.physio)
    made = api.post(
        plan_url(portal_world.plan, "/goals"),
        {"discipline": Discipline.PHYSICAL_THERAPY, "description": "Balance", "target": "30 s"},
    )
    url = plan_url(portal_world.plan, f"/goals/{made.json()['id']}")

    changed = api.patch(
        url, {"target": "45 s", "achievement_status": "improving"}, etag=made["ETag"]
    )
    assert (
        changed.json()["target"] == "45 s" and changed.json()["achievement_status"] == "improving"
    )
    assert api.delete(url, etag=made["ETag"]).status_code == 412
    assert api.delete(url).status_code == 428
    assert api.delete(url, etag=changed["ETag"]).status_code == 204
    assert api.get(url).status_code == 404


def test_bad_input_gets_problem_details_naming_each_field_never_a_500(portal_world):
    api = token_client(portal_world.lead)
    etag = api.get(plan_url(portal_world.plan))["ETag"]

    cases = [
        api.patch(plan_url(portal_world.plan), {"status": "finished-ish"}, etag=etag),
        api.patch(plan_url(portal_world.plan), {"period_start": "2026-02-31"}, etag=etag),
        api.post(
            plan_url(portal_world.plan, "/goals"), {"discipline": "astrology", "description": "x"}
        ),
        api.post(
            plan_url(portal_world.plan, "/goals"), {"discipline": "nursing", "description": "x"}
        ),
        api.post(plan_url(portal_world.plan, "/goals"), "not json at all"),
        api.get("/api/v1/plans/?limit=100000"),
        api.get("/api/v1/plans/abc"),
        api.get(f"/api/v1/plans/{2**70}"),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.content
        assert response["Content-Type"] == "application/problem+json", response.content
        problem = response.json()
        assert problem["status"] == response.status_code and problem["title"]

    for text in ("a\x00b", "a\ud800b"):  # NUL, a lone surrogate: no database keeps them
        refused = api.post(plan_url(portal_world.plan, "/notes"), json.dumps({"body": text}))
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"].endswith("body")

    periods = api.patch(
        plan_url(portal_world.plan),
        {"period_start": "2026-05-01", "period_end": "2026-04-01"},
        etag=etag,
    )
    assert periods.status_code == 400
    assert periods.json()["errors"][0]["field"] == "period_end"


def test_a_patient_reads_their_own_plan_without_what_the_team_keeps_to_itself(portal_world):
    api = token_client(portal_world.patient_user)

    plans = api.get("/api/v1/plans/").json()
    assert [item["id"] for item in plans["items"]] == [portal_world.plan.pk]
    read = api.get(plan_url(portal_world.plan))
    body = read.content.decode()
    assert read.json()["conditions"] is None  # the team's clinical words, as on /my/
    assert "ALEX walk 30 minutes" in body
    assert "HIDDEN" not in body and "TEAM NOTE" not in body and "PRIVATE NOTE" not in body

    assert api.get(plan_url(portal_world.other_plan)).status_code == 404
    team = api.get(plan_url(portal_world.plan, "/team")).json()
    assert team and all(member["user"]["username"] is None for member in team)
    assert {member["role"] for member in team} >= {"lead"}
    notes = api.get(plan_url(portal_world.plan, "/notes"))
    assert notes.status_code == 403 and "TEAM NOTE" not in notes.content.decode()
    change = api.post(
        plan_url(portal_world.plan, "/goals"),
        {"discipline": Discipline.PHYSICAL_THERAPY, "description": "I decide"},
    )
    assert change.status_code == 403
    assert "Your care team changes your plan" in change.json()["detail"]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.DENIED, actor=portal_world.patient_user
        ).count()
        == 3
    )


def test_team_notes_come_newest_first_and_private_notes_never(portal_world):
    api = token_client(portal_world.team.mental_health)
    api.post(plan_url(portal_world.plan, "/notes"), {"body": "Second note"})

    notes = api.get(plan_url(portal_world.plan, "/notes?limit=1")).json()

    assert [note["body"] for note in notes] == ["Second note"]
    everything = api.get(plan_url(portal_world.plan, "/notes")).content.decode()
    assert "TEAM NOTE" in everything and "PRIVATE NOTE" not in everything


def test_the_lead_manages_the_team_and_a_removed_member_reads_nothing_at_once(portal_world):
    lead = token_client(portal_world.lead)
    contributor = token_client(portal_world.team.contributor)
    assert contributor.get(plan_url(portal_world.plan)).status_code == 200

    removed = lead.delete(
        plan_url(portal_world.plan, f"/team/{portal_world.team.contributor.username}")
    )

    assert removed.status_code == 204
    assert contributor.get(plan_url(portal_world.plan)).status_code == 404
    physio = token_client(portal_world.team.physio)
    assert (
        physio.post(
            plan_url(portal_world.plan, "/team"),
            {"username": portal_world.team.contributor.username, "role": "contributor"},
        ).status_code
        == 403
    )


def test_the_schema_and_the_docs_are_served_from_this_site(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/plans/{plan_id}/goals/{goal_id}" in paths
    docs = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs.split("<body")[0]
