"""The authorization matrix of the provider UI: every URL under /care/ (found from the URL
resolver, whichever app serves it) × GET and POST × every kind of user. A URL added without
a row here fails ``test_matrix_covers_every_url``.

Outcomes: allowed (GET 200, valid POST redirects), 403 for a team member whose role does
not include the action, 404 for everyone who may not see the plan (existence stays
hidden), 405 for a method the URL does not take, and the login page for anonymous
visitors. Refusals must not contain the plan's data and must leave a 'denied' event.

Besides the team, the actors include a physician on no team who may start plans
("outsider") and the lead of the same patient's other plan ("other_lead"): a patient with
two plans led by different physicians; a physician on no team holding an active emergency
access to the plan ("emergency"), who may read the plan page and its history and nothing
else; a nurse on no team in the "On call" group ("on_call"), who reads the clinic's
red-flag alert list and no plan; and a privacy officer, who is no provider and reviews
emergency accesses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditAction, AuditEvent
from audit.privacy import PRIVACY_OFFICERS_GROUP
from careteam.models import Activity, CarePlan, Discipline, Goal, Patient, Precaution
from careteam.policy import ON_CALL_GROUP
from careteam.services import open_emergency_access
from exercises.models import Programme
from messaging.models import Audience
from messaging.services import start_thread
from patientportal.models import AlertOutcome, QuestionnaireSchedule, RedFlag, RedFlagAlert
from patientportal.services.checkins import record_check_in
from patientportal.services.schedules import schedule_questionnaire
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.careteam_fixtures import (
    PATIENT_FAMILY_NAME,
    PLAN_SECRETS,
    PRIVATE_NOTE_TEXT,
    UiTeam,
)
from tests.exercises_fixtures import make_exercise, programme_exercise
from tests.mfa_fixtures import recently_authenticated
from tests.patient_fixtures import activate_plan, second_plan_led_by
from tests.plantemplate_fixtures import make_plan_template

TEAM = ("lead", "physical_therapy", "mental_health", "contributor")
OTHER_PROVIDERS = ("outsider", "other_lead", "removed", "emergency", "on_call")
NOT_PROVIDERS = ("patient", "editor", "superuser", "privacy_officer")
ACTORS = (*TEAM, *OTHER_PROVIDERS, *NOT_PROVIDERS, "anonymous")
PROVIDERS = frozenset(TEAM + OTHER_PROVIDERS)
# Pain-management physicians: the lead, the outsider ("dr.shah"), the other plan's lead and
# the physician with an emergency access.
PLAN_CREATORS = frozenset({"lead", "outsider", "other_lead", "emergency"})
# Who reads the plan through an emergency access: allowed its pages that only read, and
# refused (403, as someone who may see the plan) every other plan action.
READ_ONLY = frozenset({"emergency"})
EMERGENCY_REASON = "Seen in the emergency department after a fall; needs the precautions."
SECTION_EDITORS = frozenset({"lead", "physical_therapy"})  # the items sit in the PT section


def plan_kwargs(ui: UiTeam) -> dict:
    return {"plan_id": ui.plan.pk}


def physio_section_kwargs(ui: UiTeam) -> dict:
    return {"plan_id": ui.plan.pk, "section_id": ui.goal.section_id}


def item_kwargs(attribute: str) -> Callable[[UiTeam], dict]:
    return lambda ui: {"plan_id": ui.plan.pk, "item_id": getattr(ui, attribute).pk}


def version_of(model, pk) -> dict:
    return {"version": model.objects.get(pk=pk).version}


def plan_post(ui: UiTeam) -> dict:
    return {
        "title": "Stability first, revised",
        "status": "active",
        "period_start": "2026-01-05",
        "period_end": "",
        "conditions": "Hypermobility spectrum disorder",
        "patient_summary": "Strength before stretch.",
        "red_flag_guidance": "New leg weakness: emergency department now.",
        **version_of(CarePlan, ui.plan.pk),
    }


def patient_post(ui: UiTeam) -> dict:
    patient = ui.plan.patient
    return {
        "given_name": "Robin",
        "family_name": patient.family_name,
        "date_of_birth": "1990-05-17",
        "record_number": patient.record_number,
        "email": "robin@example.org",
        **version_of(Patient, patient.pk),
    }


GOAL_POST = {
    "description": "Pain 4/10 or less on the NRS",
    "measure": "NRS",
    "target": "4",
    "due_date": "",
    "lifecycle_status": "active",
    "achievement_status": "in-progress",
    "visible_to_patient": "on",
}
ACTIVITY_POST = {
    "kind": "exercise",
    "title": "Balance board, two minutes",
    "status": "not-started",
    "schedule": "Daily",
    "scheduled_on": "",
    "instructions": "Stop if dizzy.",
    "visible_to_patient": "on",
}


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    allowed: frozenset[str]
    kwargs: Callable[[UiTeam], dict] = lambda ui: {}
    post: Callable[[UiTeam], dict] = lambda ui: {}
    # Actors who get 403 (may see the plan, or are providers on a provider page).
    forbidden: frozenset[str] = field(default=frozenset())
    # What an allowed POST answers: a redirect, or 200 for a search shown in place.
    post_status: int = 302
    # Actors the page lets in whose POST the rule refuses with the form's 400 (and a
    # 'denied' event), saying no more than it says for a record number that does not exist.
    refused_post: frozenset[str] = field(default=frozenset())
    # Actors allowed to GET whose POST is refused with 403 (an emergency access reads the
    # plan's messages and writes none).
    get_only: frozenset[str] = field(default=frozenset())


def schedule_kwargs(ui: UiTeam) -> dict:
    return {"plan_id": ui.plan.pk, "schedule_id": ui.schedule.pk}


def exercise_kwargs(ui: UiTeam) -> dict:
    """An exercise in the plan's programme (prescribed inside the actor's rolled-back turn)."""
    return {"plan_id": ui.plan.pk, "exercise_id": programme_exercise(ui.plan, ui.team.lead).pk}


def programme_version(ui: UiTeam) -> dict:
    return {"version": Programme.objects.get(plan=ui.plan).version}


DOSE_POST = {
    "sets": "3",
    "repetitions": "10",
    "hold_seconds": "5",
    "times_per_day": "1",
    "days_per_week": "5",
    "note": "Slow and steady.",
}


def prescribe_post(ui: UiTeam) -> dict:
    return {"exercise": make_exercise("Matrix clamshell").pk, "version": "0", **DOSE_POST}


def grant_kwargs(ui: UiTeam) -> dict:
    return {"grant_id": ui.emergency_grant.pk}


def plan_route(methods, allowed, kwargs=plan_kwargs, post=lambda ui: {}, forbidden=None) -> Route:
    allowed = frozenset(allowed)
    if forbidden is None:
        forbidden = frozenset(TEAM) | READ_ONLY
    return Route(methods, allowed, kwargs, post, frozenset(forbidden) - allowed)


def creator_route(post) -> Route:
    return Route(("GET", "POST"), PLAN_CREATORS, post=post, forbidden=PROVIDERS - PLAN_CREATORS)


GET_POST = ("GET", "POST")
MATRIX: dict[str, Route] = {
    # The search is a POST answered in place, so names stay out of URLs.
    "dashboard": Route(GET_POST, PROVIDERS, post=lambda ui: {"q": "Example"}, post_status=200),
    "patient-create": creator_route(
        lambda ui: {
            "given_name": "Noor",
            "family_name": "Newfield",
            "date_of_birth": "1991-02-03",
            "record_number": "N-0001",
            "email": "",
        }
    ),
    # Only a physician who already cares for the patient may start them another plan.
    "plan-create": Route(
        GET_POST,
        PLAN_CREATORS,
        post=lambda ui: (
            {"record_number": ui.plan.patient.record_number.lower(), "title": "Second plan"}
            | {"status": "draft"}
        ),
        forbidden=PROVIDERS - PLAN_CREATORS,
        refused_post=frozenset({"outsider", "emergency"}),
    ),
    "plan-detail": plan_route(("GET",), TEAM + ("emergency",)),
    "plan-edit": plan_route(GET_POST, {"lead"}, post=plan_post),
    "patient-edit": plan_route(GET_POST, {"lead"}, post=patient_post),
    "plan-history": plan_route(("GET",), TEAM + ("emergency",)),
    "plan-audit": plan_route(("GET",), {"lead"}),
    "precaution-create": plan_route(
        GET_POST, {"lead"}, post=lambda ui: {"description": "No high-impact loading"}
    ),
    "precaution-edit": plan_route(
        GET_POST,
        {"lead"},
        item_kwargs("precaution"),
        lambda ui: (
            {"description": "No high-impact loading"} | version_of(Precaution, ui.precaution.pk)
        ),
    ),
    "precaution-delete": plan_route(
        GET_POST,
        {"lead"},
        item_kwargs("precaution"),
        lambda ui: version_of(Precaution, ui.precaution.pk),
    ),
    "goal-create": plan_route(
        GET_POST, SECTION_EDITORS, physio_section_kwargs, lambda ui: GOAL_POST
    ),
    "goal-edit": plan_route(
        GET_POST,
        SECTION_EDITORS,
        item_kwargs("goal"),
        lambda ui: GOAL_POST | version_of(Goal, ui.goal.pk),
    ),
    "goal-delete": plan_route(
        GET_POST, SECTION_EDITORS, item_kwargs("goal"), lambda ui: version_of(Goal, ui.goal.pk)
    ),
    "activity-create": plan_route(
        GET_POST, SECTION_EDITORS, physio_section_kwargs, lambda ui: ACTIVITY_POST
    ),
    "activity-edit": plan_route(
        GET_POST,
        SECTION_EDITORS,
        item_kwargs("activity"),
        lambda ui: ACTIVITY_POST | version_of(Activity, ui.activity.pk),
    ),
    "activity-delete": plan_route(
        GET_POST,
        SECTION_EDITORS,
        item_kwargs("activity"),
        lambda ui: version_of(Activity, ui.activity.pk),
    ),
    "team-note-create": plan_route(GET_POST, TEAM, post=lambda ui: {"body": "Seen today."}),
    "private-notes": plan_route(
        GET_POST, {"mental_health"}, post=lambda ui: {"body": "Session went well."}
    ),
    "member-add": plan_route(
        GET_POST,
        {"lead"},
        post=lambda ui: {"who": ui.free_provider.username, "role": "contributor"},
    ),
    "member-remove": plan_route(
        GET_POST,
        {"lead"},
        lambda ui: {"plan_id": ui.plan.pk, "membership_id": ui.contributor_membership.pk},
    ),
    # The patient portal's actions on a plan page (served by patientportal).
    "patientportal_team:invite": plan_route(("POST",), {"lead"}),
    "patientportal_team:reading": plan_route(("GET",), TEAM),
    # Switching off the patient's login: a page that says what it does, then its button.
    # The lead only (the rule of INVITE_PATIENT too): a therapist on the team gets 403.
    "patientportal_team:revoke": plan_route(GET_POST, {"lead"}, post=lambda ui: {"confirm": "yes"}),
    # The alert and the form that closes it, saying what was done.
    "patientportal_team:acknowledge-alert": plan_route(
        GET_POST,
        TEAM,
        lambda ui: {"plan_id": ui.plan.pk, "alert_id": ui.alert.pk},
        lambda ui: {"outcome": AlertOutcome.CALLED_PATIENT},
    ),
    # Each procedure's response to its follow-ups: every member who may view the plan.
    "patientportal_team:procedures": plan_route(("GET",), TEAM),
    # Questionnaire schedules: every member schedules (the ODI here; a mental-health one only
    # the mental-health member: tests/test_patient_schedules.py); emergency access 403.
    "patientportal_team:questionnaire-schedules": plan_route(
        GET_POST,
        TEAM,
        post=lambda ui: {"instrument": "psfs", "every_days": "14", "starts_on": "2099-01-04"},
    ),
    "patientportal_team:questionnaire-schedule": plan_route(
        GET_POST,
        TEAM,
        schedule_kwargs,
        lambda ui: (
            {"every_days": "21", "starts_on": ui.schedule.starts_on.isoformat()}
            | version_of(QuestionnaireSchedule, ui.schedule.pk)
        ),
    ),
    "patientportal_team:questionnaire-schedule-stop": plan_route(
        ("POST",),
        TEAM,
        schedule_kwargs,
        lambda ui: version_of(QuestionnaireSchedule, ui.schedule.pk),
    ),
    # Secure messages with the patient (messaging/): every member reads and writes the
    # threads to the whole team; an emergency access reads them (GET) and writes nothing
    # (403). Threads to the mental-health professional: tests/test_messaging_access.py.
    "messaging_team:messages": Route(
        GET_POST,
        frozenset({*TEAM, "emergency"}),
        plan_kwargs,
        lambda ui: {"audience": Audience.TEAM, "subject": "Pacing", "body": "How is it going?"},
        forbidden=frozenset(TEAM) | READ_ONLY,
        get_only=READ_ONLY,
    ),
    "messaging_team:thread": Route(
        GET_POST,
        frozenset({*TEAM, "emergency"}),
        lambda ui: {"plan_id": ui.plan.pk, "thread_id": ui.thread.pk},
        lambda ui: {"body": "Three short breaks a day."},
        forbidden=frozenset(TEAM) | READ_ONLY,
        get_only=READ_ONLY,
    ),
    # Every alert of the clinic, for the providers on call; other providers 403.
    "patientportal_on_call:alerts": Route(
        ("GET",), frozenset({"on_call"}), forbidden=PROVIDERS - {"on_call"}
    ),
    # No page is chosen, so an allowed POST is the form's 400 with its message.
    "patientportal_team:assign-reading": Route(
        GET_POST, frozenset(TEAM), plan_kwargs, forbidden=READ_ONLY, post_status=400
    ),
    # The home exercise programme (served by exercises): every member and an emergency
    # access read it; the lead and the physical therapist change it.
    "exercises_team:programme": plan_route(("GET",), TEAM + ("emergency",)),
    "exercises_team:print": plan_route(("GET",), TEAM + ("emergency",)),
    "exercises_team:add": plan_route(GET_POST, {"lead", "physical_therapy"}, post=prescribe_post),
    "exercises_team:change-dose": plan_route(
        GET_POST,
        {"lead", "physical_therapy"},
        exercise_kwargs,
        lambda ui: DOSE_POST | programme_version(ui),
    ),
    "exercises_team:stop": plan_route(
        GET_POST, {"lead", "physical_therapy"}, exercise_kwargs, programme_version
    ),
    "lead-hand-over": plan_route(
        GET_POST,
        {"lead"},
        post=lambda ui: {
            "who": ui.team.spare_physician.username,
            "former_lead_role": "contributor",
        },
    ),
    # Starting a plan from a template (plantemplates/): the rule of plan-create, START_PLAN.
    "plantemplates:start": Route(
        GET_POST,
        PLAN_CREATORS,
        post=lambda ui: {
            "template": str(ui.plan_template.pk),
            "record_number": ui.plan.patient.record_number.lower(),
            "status": "active",
        },
        forbidden=PROVIDERS - PLAN_CREATORS,
        refused_post=frozenset({"outsider", "emergency"}),
    ),
    # Emergency access: a pain-management physician gives a record number and a reason and
    # opens one of the patient's open plans; the lead is on its team already (400, the
    # form says why); the emergency physician's own grant is returned as it is.
    "emergency-access": Route(
        GET_POST,
        PLAN_CREATORS,
        post=lambda ui: {
            "record_number": ui.plan.patient.record_number.lower(),
            "reason": EMERGENCY_REASON,
            "plan": ui.plan.pk,
        },
        forbidden=PROVIDERS - PLAN_CREATORS,
        refused_post=frozenset({"lead"}),
    ),
    # A grant's record: its holder, the plan's lead and the privacy officers; the rest of
    # the team knows of it from the plan's history (403); everyone else 404.
    "emergency-access-detail": Route(
        ("GET",),
        frozenset({"lead", "emergency", "privacy_officer"}),
        grant_kwargs,
        forbidden=frozenset(TEAM) - {"lead"},
    ),
    "emergency-access-end": Route(
        ("POST",),
        frozenset({"lead", "emergency"}),
        grant_kwargs,
        forbidden=(frozenset(TEAM) - {"lead"}) | {"privacy_officer"},
    ),
}


def care_url_names(patterns, prefix: str = "", namespace: str = "") -> set[str]:
    """The name of every URL pattern under /care/, namespaced unless it is careteam's."""
    names = set()
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            names |= care_url_names(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern) and route.startswith("care/"):
            local = namespace in ("", "careteam")
            names.add(pattern.name if local else f"{namespace}:{pattern.name}")
    return names


def test_matrix_covers_every_url():
    names = care_url_names(get_resolver().url_patterns)
    assert None not in names, "Every /care/ URL needs a name so the matrix can list it."
    assert names == set(MATRIX), (
        f"Missing from the matrix: {sorted(names - set(MATRIX))}; "
        f"no longer under /care/: {sorted(set(MATRIX) - names)}"
    )


def expected_status(route: Route, method: str, actor: str) -> int:
    if actor == "anonymous":
        return 302
    if method not in route.methods:
        return 405
    if method == "POST" and actor in route.refused_post:
        return 400
    if method == "POST" and actor in route.get_only:
        return 403
    if actor in route.allowed:
        return route.post_status if method == "POST" else 200
    return 403 if actor in route.forbidden else 404


def actor_user(ui: UiTeam, actor: str):
    """The user behind an actor's name (the matrix adds two to the UI team's)."""
    if actor == "emergency":
        return ui.emergency_physician
    if actor == "privacy_officer":
        return ui.privacy_officer
    if actor == "on_call":
        return ui.on_call
    return ui.actor(actor)


def check(ui: UiTeam, name: str, route: Route, method: str, actor: str) -> list[str]:
    url = reverse(name if ":" in name else f"careteam:{name}", kwargs=route.kwargs(ui))
    user = actor_user(ui, actor)
    client = Client()
    if user is not None:
        client.force_login(user)
        recently_authenticated(client)  # step-up passed (tests/test_mfa_stepup.py tests it)
    denials_before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    response = client.post(url, route.post(ui)) if method == "POST" else client.get(url)
    expected = expected_status(route, method, actor)
    problems = []
    where = f"{method} {name} as {actor}"
    if response.status_code != expected:
        problems.append(f"{where}: {response.status_code}, expected {expected}")
    to_login = response.get("Location", "").startswith("/accounts/login/")
    if expected == 302 and to_login != (actor == "anonymous"):
        problems.append(f"{where}: redirected to {response.get('Location')!r}")
    body = response.content.decode()
    refused = expected in (403, 404) or (method == "POST" and actor in route.refused_post)
    secrets = PLAN_SECRETS if refused or actor not in (*TEAM, *READ_ONLY) else ()
    if actor == "other_lead" and not refused:  # the patient is theirs too, the plan is not
        secrets = tuple(secret for secret in secrets if secret != PATIENT_FAMILY_NAME)
    if actor != "mental_health":
        secrets = (*secrets, PRIVATE_NOTE_TEXT)
    problems += [f"{where}: response shows {secret!r}" for secret in secrets if secret in body]
    if refused:
        denials = AuditEvent.objects.filter(action=AuditAction.DENIED).count() - denials_before
        if denials < 1:
            problems.append(f"{where}: no 'denied' audit event")
    return problems


CASES = [(name, method) for name in MATRIX for method in ("GET", "POST")]


@pytest.fixture
def matrix_team(ui_team: UiTeam) -> UiTeam:
    """The UI team's plan, active, with an open red-flag alert, the same patient's second
    plan led by another physician, a physician's active emergency access to the plan,
    a privacy officer, a nurse on call, and an ODI scheduled by the lead."""
    activate_plan(ui_team.plan)
    other_lead = make_provider("t.otherlead", Discipline.PAIN_MANAGEMENT)
    second_plan_led_by(ui_team.plan, ui_team.team.lead, other_lead)
    check_in = record_check_in(
        ui_team.plan.patient,
        ui_team.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    ui_team.other_lead = other_lead
    ui_team.alert = RedFlagAlert.objects.get(check_in=check_in, plan=ui_team.plan)
    ui_team.emergency_physician = make_provider("t.emergency", Discipline.PAIN_MANAGEMENT)
    ui_team.emergency_grant = open_emergency_access(
        ui_team.emergency_physician, ui_team.plan, EMERGENCY_REASON
    )
    ui_team.privacy_officer = make_user("t.privacy")
    ui_team.privacy_officer.groups.add(Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)[0])
    ui_team.on_call = make_provider("t.oncall", Discipline.NURSING)
    ui_team.on_call.groups.add(Group.objects.get(name=ON_CALL_GROUP))
    ui_team.thread = start_thread(
        ui_team.plan,
        ui_team.patient_user,
        audience=Audience.TEAM,
        subject="Pacing on busy days",
        body="How many breaks should I take?",
    ).message.thread
    ui_team.plan_template = make_plan_template()
    ui_team.schedule = schedule_questionnaire(ui_team.team.lead, ui_team.plan, "odi")
    return ui_team


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_authorization_matrix(matrix_team: UiTeam, name: str, method: str):
    ui_team = matrix_team
    route = MATRIX[name]
    problems = []
    for actor in ACTORS:
        # Each actor starts from the same plan: roll back whatever the request changed.
        with transaction.atomic():
            problems += check(ui_team, name, route, method, actor)
            transaction.set_rollback(True)
    assert not problems, "\n".join(problems)
