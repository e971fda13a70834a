"""The permission matrix of the JSON API: every operation in the API's own OpenAPI schema ×
every kind of caller. An operation added without a row in ``EXPECTATIONS`` fails
``test_the_matrix_covers_every_operation_in_the_schema``.

Callers, each with their own API token: the plan's lead, physical therapist, mental-health
professional and contributor; a provider on no team; a member taken off the team; the plan's
patient and another patient; and, unauthenticated, an anonymous caller and the lead's
revoked and expired tokens.

Outcomes: the allowed get their answer (200, 201 or 204); a caller who may see the plan but
not do this gets 403; anyone else who is authenticated gets 404, so the plan's existence
stays hidden; the unauthenticated get 401. A refusal never carries the plan's data, and each
refusal of an authenticated caller leaves a 'denied' audit event that names the token. Every
caller runs in a savepoint rolled back afterwards, so each meets the same plan.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.etags import etag
from api.main import api
from api.models import ApiToken
from api.tokens import create_token, revoke_token
from audit.models import AuditAction, AuditEvent
from careteam.models import (
    Activity,
    ActivityKind,
    CarePlan,
    Discipline,
    Goal,
    Precaution,
    TeamRole,
)
from careteam.services import (
    add_member,
    add_team_note,
    create_activity,
    create_goal,
    remove_member,
)
from patientportal.models import AlertOutcome, RedFlag, RedFlagAlert
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from portal.services.site_tree import ensure_site_tree
from questionnaires.instruments import ODI
from tests.careteam_domain_fixtures import make_plan, make_provider
from tests.patient_fixtures import PortalWorld, activate_plan
from tests.portal_fixtures import make_article

TEAM = frozenset({"lead", "physical_therapy", "mental_health", "contributor"})
READERS = TEAM | {"patient"}  # who reads the plan: its team, and its patient as on /my/
SECTION_EDITORS = frozenset({"lead", "physical_therapy"})  # the items are in the PT section
PATIENTS = frozenset({"patient", "other_patient"})
UNAUTHENTICATED = frozenset({"anonymous", "revoked_token", "expired_token"})
ACTORS = (
    *sorted(TEAM),
    "outsider",
    "removed",
    "patient",
    "other_patient",
    *sorted(UNAUTHENTICATED),
)
AUTHENTICATED = frozenset(ACTORS) - UNAUTHENTICATED

# What only the plan's readers may read; the patient's name and record number, the plan's
# title, its precaution and every goal, activity and note written for it (all say "ALEX").
PLAN_SECRETS = ("Stability first", "Example T-0001", "T-0001", "end-range stretching", "ALEX")
# What the API never gives anyone: the psychotherapy notes.
NEVER_EXPORTED = ("PRIVATE NOTE",)
# What the patient does not read: items the team kept from them, and the team's notes.
TEAM_ONLY_SECRETS = ("HIDDEN", "TEAM NOTE")
READING_NOTE = "ALEX reading: before the next visit"


@dataclass
class ApiWorld:
    portal: PortalWorld
    users: dict[str, Any]
    secrets: dict[str, str]  # the bearer token of each caller who has one
    token_names: dict[str, str]
    alert: RedFlagAlert

    @property
    def plan(self) -> CarePlan:
        return self.portal.plan

    def goal(self) -> Goal:
        return visible_item(Goal.objects.filter(section__plan=self.plan))

    def activity(self) -> Activity:
        return visible_item(Activity.objects.filter(section__plan=self.plan))

    def precaution(self) -> Precaution:
        return Precaution.objects.filter(plan=self.plan).first()

    def path_parameters(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan.pk,
            "patient_id": self.plan.patient_id,
            "goal_id": self.goal().pk,
            "activity_id": self.activity().pk,
            "precaution_id": self.precaution().pk,
            "alert_id": self.alert.pk,
            "username": self.portal.team.contributor.username,
            "code": ODI.code,
        }

    def client(self, actor: str) -> Client:
        if actor not in self.secrets:
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.secrets[actor]}")


def visible_item(queryset):
    """The first goal or activity of the PT section that the patient sees."""
    return queryset.filter(
        section__discipline=Discipline.PHYSICAL_THERAPY, visible_to_patient=True
    ).first()


def read_etag(world: ApiWorld, url: str) -> str:
    """Read the record as its lead would, and keep its ETag for If-Match."""
    response = world.client("lead").get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


def plan_etag(world: ApiWorld) -> str:
    return read_etag(world, f"/api/v1/plans/{world.plan.pk}")


def goal_etag(world: ApiWorld) -> str:
    return read_etag(world, f"/api/v1/plans/{world.plan.pk}/goals/{world.goal().pk}")


def activity_etag(world: ApiWorld) -> str:
    return read_etag(world, f"/api/v1/plans/{world.plan.pk}/activities/{world.activity().pk}")


def precaution_etag(world: ApiWorld) -> str:
    # No operation reads one precaution with its ETag; the version is the record's own.
    return etag(world.precaution())


def assign_some_reading(world: ApiWorld) -> None:
    article = make_article(ensure_site_tree().articles, "Pacing on bad days")
    assign_reading(world.plan, world.portal.lead, article, note=READING_NOTE)


@dataclass(frozen=True)
class Expect:
    allowed: frozenset[str]
    success: int = 200
    # Callers who may see the plan but not do this: 403. Other authenticated callers: 404.
    forbidden: frozenset[str] = field(default=frozenset())
    body: dict | Callable[[ApiWorld], dict] | None = None
    if_match: Callable[[ApiWorld], str] | None = None
    query: str = ""
    # Whose answer may show the plan's data (the allowed, unless a list filters it out).
    sees_plan: frozenset[str] | None = None
    prepare: Callable[[ApiWorld], None] | None = None

    def status_for(self, actor: str) -> int:
        if actor in UNAUTHENTICATED:
            return 401
        if actor in self.allowed:
            return self.success
        return 403 if actor in self.forbidden else 404

    def shows_plan_to(self, actor: str) -> bool:
        return actor in (self.allowed if self.sees_plan is None else self.sees_plan)


def read(allowed: frozenset[str] = READERS, **extra: Any) -> Expect:
    return Expect(allowed, forbidden=READERS - allowed, **extra)


def change(allowed: frozenset[str], success: int = 200, **extra: Any) -> Expect:
    return Expect(allowed, success, forbidden=READERS - allowed, **extra)


GOAL_IN = {"discipline": "physical_therapy", "description": "Stand on one leg for 30 s"}
ACTIVITY_IN = {"discipline": "physical_therapy", "kind": "exercise", "title": "Bridge holds"}
PLANS = "/api/v1/plans/{plan_id}"

EXPECTATIONS: dict[str, Expect] = {
    # Everyone may list; the list holds only the plans the caller reads, and a filter by
    # the plan's patient reveals nothing to anyone else.
    "GET /api/v1/plans/": Expect(
        AUTHENTICATED, sees_plan=READERS, query="?patient={patient_id}&status=active"
    ),
    f"GET {PLANS}": read(),
    f"PATCH {PLANS}": change(
        frozenset({"lead"}), body={"patient_summary": "Strength first."}, if_match=plan_etag
    ),
    f"GET {PLANS}/goals": read(),
    f"POST {PLANS}/goals": change(SECTION_EDITORS, 201, body=GOAL_IN),
    f"GET {PLANS}/goals/{{goal_id}}": read(),
    f"PATCH {PLANS}/goals/{{goal_id}}": change(
        SECTION_EDITORS, body={"target": "45 minutes"}, if_match=goal_etag
    ),
    f"DELETE {PLANS}/goals/{{goal_id}}": change(SECTION_EDITORS, 204, if_match=goal_etag),
    f"GET {PLANS}/activities": read(),
    f"POST {PLANS}/activities": change(SECTION_EDITORS, 201, body=ACTIVITY_IN),
    f"GET {PLANS}/activities/{{activity_id}}": read(),
    f"PATCH {PLANS}/activities/{{activity_id}}": change(
        SECTION_EDITORS, body={"schedule": "Twice a day"}, if_match=activity_etag
    ),
    f"DELETE {PLANS}/activities/{{activity_id}}": change(
        SECTION_EDITORS, 204, if_match=activity_etag
    ),
    f"GET {PLANS}/precautions": read(),
    f"POST {PLANS}/precautions": change(
        frozenset({"lead"}), 201, body={"description": "No heavy lifting"}
    ),
    f"PATCH {PLANS}/precautions/{{precaution_id}}": change(
        frozenset({"lead"}), body={"description": "No lifting over 5 kg"}, if_match=precaution_etag
    ),
    f"DELETE {PLANS}/precautions/{{precaution_id}}": change(
        frozenset({"lead"}), 204, if_match=precaution_etag
    ),
    f"GET {PLANS}/notes": read(TEAM),
    f"POST {PLANS}/notes": change(TEAM, 201, body={"body": "Seen today; walking further."}),
    f"GET {PLANS}/team": read(),
    f"POST {PLANS}/team": change(
        frozenset({"lead"}),
        201,
        body=lambda world: {
            "username": world.portal.team.spare_physician.username,
            "role": TeamRole.CONTRIBUTOR,
        },
    ),
    f"DELETE {PLANS}/team/{{username}}": change(frozenset({"lead"}), 204),
    f"GET {PLANS}/reading": read(prepare=assign_some_reading),
    f"GET {PLANS}/check-ins": read(),
    f"GET {PLANS}/questionnaire-results": read(),
    f"GET {PLANS}/alerts": read(TEAM),
    f"POST {PLANS}/alerts/{{alert_id}}/acknowledge": change(
        TEAM, body={"outcome": AlertOutcome.CALLED_PATIENT, "note": "Called; resting today."}
    ),
    # A patient records their own; nobody else has anyone to record for.
    "POST /api/v1/check-ins": Expect(
        PATIENTS, 201, body={"pain_score": 3, "note": "Easier today"}, sees_plan=frozenset()
    ),
    "POST /api/v1/questionnaire-results/{code}": Expect(
        PATIENTS, 201, body={"answers": dict.fromkeys(ODI.item_keys, 1)}, sees_plan=frozenset()
    ),
}


def schema_operations() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    return {f"{method.upper()} {path}" for path, methods in paths.items() for method in methods}


def test_the_matrix_covers_every_operation_in_the_schema():
    operations = schema_operations()
    assert operations == set(EXPECTATIONS), (
        f"Missing from the matrix: {sorted(operations - set(EXPECTATIONS))}; "
        f"no longer in the schema: {sorted(set(EXPECTATIONS) - operations)}"
    )


@pytest.fixture
def api_world(portal_world: PortalWorld) -> ApiWorld:
    """The portal world with a member taken off the team, an open red-flag alert, a
    questionnaire result, and an API token for every caller (the lead's revoked and
    expired ones too)."""
    team, plan = portal_world.team, portal_world.plan
    removed = make_provider("t.removed", Discipline.PHYSICAL_THERAPY)
    add_member(plan, team.lead, removed, TeamRole.CONTRIBUTOR)
    remove_member(plan, team.lead, removed)
    check_in = record_check_in(
        plan.patient,
        portal_world.patient_user,
        pain_score=8,
        note="ALEX numb leg",
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    record_questionnaire(
        plan.patient, portal_world.patient_user, ODI, dict.fromkeys(ODI.item_keys, 2)
    )
    users = {
        "lead": team.lead,
        "physical_therapy": team.physio,
        "mental_health": team.mental_health,
        "contributor": team.contributor,
        "outsider": team.outsider,
        "removed": removed,
        "patient": portal_world.patient_user,
        "other_patient": portal_world.other_user,
        "revoked_token": team.lead,
        "expired_token": team.lead,
    }
    token_names = {actor: f"{actor} system" for actor in users}
    secrets = {
        actor: create_token(user, name=token_names[actor], days=30) for actor, user in users.items()
    }
    revoke_token(secrets["revoked_token"].token, team.lead)
    ApiToken.objects.filter(pk=secrets["expired_token"].token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    return ApiWorld(
        portal_world,
        users,
        {actor: made.secret for actor, made in secrets.items()},
        token_names,
        RedFlagAlert.objects.get(check_in=check_in, plan=plan),
    )


def send(world: ApiWorld, operation: str, expect: Expect, actor: str):
    method, template = operation.split(" ", 1)
    parameters = world.path_parameters()
    url = template.format(**parameters) + expect.query.format(**parameters)
    headers = {"HTTP_IF_MATCH": expect.if_match(world)} if expect.if_match else {}
    body = expect.body(world) if callable(expect.body) else expect.body
    client = world.client(actor)
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(
        method,
        url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **headers,
    )


def secrets_for(expect: Expect, actor: str, status: int) -> tuple[str, ...]:
    """The texts this caller's answer must not contain."""
    secrets = NEVER_EXPORTED
    if status >= 400 or not expect.shows_plan_to(actor):
        secrets += PLAN_SECRETS + (READING_NOTE,)
    if actor in PATIENTS:
        secrets += TEAM_ONLY_SECRETS
    return secrets


def check(world: ApiWorld, operation: str, expect: Expect, actor: str) -> list[str]:
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED)
    denials_before = set(denied.values_list("pk", flat=True))
    response = send(world, operation, expect, actor)
    where = f"{operation} as {actor}"
    expected = expect.status_for(actor)
    problems = []
    if response.status_code != expected:
        problems.append(f"{where}: {response.status_code}, expected {expected}")
    body = response.content.decode()
    problems += [
        f"{where}: the answer shows {secret!r}"
        for secret in secrets_for(expect, actor, response.status_code)
        if secret in body
    ]
    if expected in (403, 404):
        new = denied.exclude(pk__in=denials_before)
        if not new.filter(actor=world.users[actor]).exists():
            problems.append(f"{where}: no 'denied' audit event for the caller")
        elif not new.filter(detail__via=f"API token “{world.token_names[actor]}”").exists():
            problems.append(f"{where}: the 'denied' event does not name the token")
    return problems


# API bugs found by this matrix and not fixed yet (delete each entry with its fix).
OPERATIONS = sorted(EXPECTATIONS)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_caller_gets_exactly_their_rights_and_refusals_are_audited(
    api_world: ApiWorld, operation: str
):
    expect = EXPECTATIONS[operation]
    if expect.prepare is not None:
        expect.prepare(api_world)
    problems = []
    for actor in ACTORS:
        with transaction.atomic():
            problems += check(api_world, operation, expect, actor)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)


def test_the_plan_list_shows_the_plan_to_its_readers_only(api_world: ApiWorld):
    for actor in AUTHENTICATED:
        listing = api_world.client(actor).get("/api/v1/plans/").json()
        titles = {item["title"] for item in listing["items"]}
        assert (api_world.plan.title in titles) == (actor in READERS), actor


def test_a_patient_reads_only_what_the_team_shows_them(api_world: ApiWorld):
    hidden = Goal.objects.get(section__plan=api_world.plan, visible_to_patient=False)
    patient = api_world.client("patient")
    goals = patient.get(f"/api/v1/plans/{api_world.plan.pk}/goals").json()
    assert goals and all(goal["visible_to_patient"] for goal in goals)
    response = patient.get(f"/api/v1/plans/{api_world.plan.pk}/goals/{hidden.pk}")
    assert response.status_code == 404
    assert "HIDDEN" not in response.content.decode()


# --- Query counts: a list costs the same however long it is ------------------------------


def queries_for(client: Client, url: str) -> int:
    client.get(url)  # first: the token's last-used time is written at most once a minute
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def add_more_of_everything(world: ApiWorld, count: int) -> None:
    team, plan = world.portal.team, world.plan
    section = plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    for number in range(count):
        create_goal(section, team.physio, description=f"Extra goal {number}")
        add_team_note(plan, team.lead, f"Extra note {number}")
        record_check_in(plan.patient, world.portal.patient_user, pain_score=number % 10)
        record_questionnaire(
            plan.patient, world.portal.patient_user, ODI, dict.fromkeys(ODI.item_keys, 1)
        )
        record_check_in(
            plan.patient,
            world.portal.patient_user,
            pain_score=9,
            red_flags=[RedFlag.SEVERE_PAIN_AFTER_FALL],
        )
        create_activity(
            section, team.physio, kind=ActivityKind.EXERCISE, title=f"Extra activity {number}"
        )
        activate_plan(make_plan(team.lead, f"T-01{number:02d}"))


LISTS = (
    "/api/v1/plans/",
    "/api/v1/plans/{plan_id}",
    "/api/v1/plans/{plan_id}/goals",
    "/api/v1/plans/{plan_id}/activities",
    "/api/v1/plans/{plan_id}/notes",
    "/api/v1/plans/{plan_id}/team",
    "/api/v1/plans/{plan_id}/check-ins",
    "/api/v1/plans/{plan_id}/questionnaire-results",
    "/api/v1/plans/{plan_id}/alerts",
)


def test_every_list_costs_the_same_queries_for_one_record_or_many(api_world: ApiWorld):
    lead = api_world.client("lead")
    urls = [url.format(plan_id=api_world.plan.pk) for url in LISTS]
    before = {url: queries_for(lead, url) for url in urls}
    add_more_of_everything(api_world, 4)
    after = {url: queries_for(lead, url) for url in urls}
    assert after == before
