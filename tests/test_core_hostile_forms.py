"""Hostile input through every form of the site, with hypothesis: arbitrary unicode (NUL,
lone surrogates, direction marks), huge strings, markup and SQL-ish text, numbers and dates
out of range, wrong types, missing, repeated and extra fields, wrong versions, a JSON body
where a form is expected. Each is posted as someone who may use the form. Whatever arrives:

- never a 5xx;
- a success (a redirect) only when the page's form, bound to the body as Django decodes it,
  is valid;
- a 4xx changes nothing: no row added or removed, the edited row exactly as it was;
- a success changes only the form's own fields on the edited row (extra fields such as
  ``patient`` or ``created_by`` are ignored).

Every example runs in a savepoint that is rolled back, so each starts from the same world,
built once per test. The strategies are in tests/hostile_input.py, the form pages in
tests/hostile_form_pages.py; tests/test_core_request_safety.py has the example-based cases
(a NUL in every field of every page, the cache headers).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import TooManyFieldsSent
from django.db import models, transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from careteam.models import (
    Activity,
    CarePlan,
    CareTeamMembership,
    Goal,
    Patient,
    PlanSection,
    Precaution,
    PrivateNote,
    TeamNote,
)
from exercises.models import ExerciseSession, ProgrammeVersion
from messaging.models import Message, Thread
from mfa.session import stamp_recent_authentication
from patientportal.models import CheckIn, QuestionnaireResult, ReadingAssignment, RedFlagAlert
from portal.services.search import MAX_QUERY_LENGTH
from tests import hostile_input as hostile
from tests.hostile_form_pages import FORM_PAGES, FormPage, FormWorld, build_form_world
from tests.patient_fixtures import PATIENT_PASSWORD
from tests.test_core_request_safety import FORM_FIELDS, NO_FORM

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Rows a form may add, remove or change; a refusal must leave every one of them alone.
WATCHED: tuple[type[models.Model], ...] = (
    Patient,
    CarePlan,
    PlanSection,
    Precaution,
    Goal,
    Activity,
    TeamNote,
    PrivateNote,
    CareTeamMembership,
    CheckIn,
    QuestionnaireResult,
    ReadingAssignment,
    RedFlagAlert,
    Thread,
    Message,
    ProgrammeVersion,
    ExerciseSession,
    get_user_model(),
)
# Columns a save may touch beyond the form's own fields.
BOOKKEEPING = {
    "version",
    "updated_at",
    "updated_by_id",
    "last_activity_at",
    "read_at",
    "feedback_at",
}


@pytest.fixture
def form_world(portal_world, site_tree) -> FormWorld:
    return build_form_world(portal_world, site_tree)


def test_every_form_page_under_care_and_my_is_pushed_hostile_input():
    """Pages whose form has fields or a confirmation button (tests/test_core_request_safety's
    table); a page that only shows, and the emailed welcome and unsubscribe links, are left
    out (tests/test_patient_reminders.py posts to the unsubscribe links)."""
    not_forms = {
        "patientportal:welcome",
        "patientportal_team:revoke",
        "patientportal:unsubscribe",
        "patientportal:unsubscribe-one-click",
    }
    pages = {name for name, fields in FORM_FIELDS.items() if fields is not NO_FORM}
    # Pages that only show (the flare page's button posts to flare-start).
    without_form = {
        "careteam:plan-history",
        "careteam:plan-audit",
        "patientportal_team:reading",
        "careteam:dashboard",
        "patientportal:flare",
    }
    assert set(FORM_PAGES) == pages - not_forms - without_form


# --- Strategies from a form's own fields ---------------------------------------------------


def value_for(form_field: forms.Field, initial) -> SearchStrategy[str]:
    """A valid-looking value of the field's type; any content a browser could send."""
    if isinstance(form_field, forms.ModelChoiceField):
        return hostile.choices([str(pk) for pk in form_field.queryset.values_list("pk", flat=True)])
    if isinstance(form_field, forms.ChoiceField):
        return hostile.choices([str(value) for value, _ in form_field.choices if value != ""])
    if isinstance(form_field, forms.BooleanField):
        return hostile.CHECKBOX
    if isinstance(form_field, forms.IntegerField):
        if initial is not None:
            return hostile.version(int(initial))
        low, high = form_field.min_value or 0, form_field.max_value or 10_000
        return st.integers(low, high).map(str)
    if isinstance(form_field, forms.DateField):
        return hostile.dates()
    if isinstance(form_field, forms.EmailField):
        return st.one_of(st.emails(), st.sampled_from(["pat@example.com", "é@exämple.com"]))
    max_length = getattr(form_field, "max_length", None) or 5000
    return hostile.text(max_length, required=form_field.required)


def field_strategies(page: FormPage, world: FormWorld) -> dict[str, SearchStrategy[str]]:
    form, known_good = page.bind(world, None), page.known_good(world)
    if form is None:
        return {}
    strategies = {}
    for name, form_field in form.fields.items():
        strategy = value_for(form_field, form.initial.get(name))
        if name in known_good:
            strategy = st.one_of(st.sampled_from(known_good[name]), strategy)
        strategies[form.add_prefix(name)] = strategy
    for name, values in page.extra(world).items():
        strategies[name] = st.one_of(st.sampled_from(values), hostile.text(64, required=False))
    return strategies


def plain_value(bound: forms.BoundField, known_good: dict[str, list[str]]) -> str | None:
    """The plainest valid value of a field: a known-good one, the value it was opened with,
    else the first choice, a date next month, a few words; None to leave it out."""
    if bound.name in known_good:
        return known_good[bound.name][0]
    value, form_field = bound.value(), bound.field
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value not in (None, ""):
        return str(value)
    if not form_field.required:
        return None
    if isinstance(form_field, forms.ChoiceField):
        return next(str(v) for v, _ in form_field.choices if v != "")
    if isinstance(form_field, forms.DateField):
        return (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    return "Plain words"


# --- Posting, and what must hold afterwards -----------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    counts: tuple[int, ...]
    target: dict | None

    @classmethod
    def take(cls, target: models.Model | None) -> Snapshot:
        row = None
        if target is not None:
            row = type(target).objects.filter(pk=target.pk).values().first()
        return cls(tuple(model.objects.count() for model in WATCHED), row)


@dataclass(frozen=True)
class Verdict:
    """What the page's form makes of a body, decided before it is posted."""

    refused: bool  # a NUL, or more fields than Django parses: 400 before any view
    valid: bool
    fields: frozenset[str]

    @classmethod
    def of(cls, page: FormPage, world: FormWorld, body: hostile.Body) -> Verdict:
        try:
            data = hostile.as_the_view_sees_it(body)
        except TooManyFieldsSent:
            return cls(refused=True, valid=False, fields=frozenset())
        form = page.bind(world, data)
        names = frozenset(form.fields) if form is not None else frozenset()
        return cls(hostile.has_nul(data), form is None or form.is_valid(), names)


def outcome_problems(verdict: Verdict, before: Snapshot, after: Snapshot, status: int) -> list[str]:
    if status >= 500:
        return [f"{status}"]
    if verdict.refused:
        return [] if status == 400 and after == before else [f"{status} (expected 400) or saved"]
    if status >= 400:
        return [] if after == before else [f"{status} but something was saved"]
    if not verdict.valid:
        return [f"{status} for input its form finds invalid"]
    if status not in (200, 302, 303):
        return [f"unexpected {status}"]
    if before.target and after.target:
        allowed = BOOKKEEPING | verdict.fields | {f"{name}_id" for name in verdict.fields}
        changed = {k for k, v in after.target.items() if before.target[k] != v}
        if changed - allowed:
            return [f"{status} changed {sorted(changed - allowed)} beyond the form's fields"]
    return []


def client_for(user) -> Client:
    """Logged in as ``user``, who has just confirmed their password (mfa's step-up), so
    guarded actions such as handing over the lead take the form at once."""
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
        session = client.session
        stamp_recent_authentication(session)
        session.save()
    return client


def post(client: Client, url: str, body: hostile.Body) -> HttpResponse:
    return client.post(url, body.content, content_type=body.content_type)


def rolled_back(check: Callable[[], list[str]]) -> list[str]:
    """Run ``check`` in a savepoint that is always rolled back: the world stays as built."""
    with transaction.atomic():
        problems = check()
        transaction.set_rollback(True)
    cache.clear()  # lockouts and rate limits count in the cache, not in the savepoint
    return problems


def shown_after_saving(response: HttpResponse, client: Client, readers: dict) -> list[str]:
    """What was saved is then shown: where the form led, the lead's dashboard and plan, the
    patient's plan and check-in. None of them may fail on the stored values."""
    pages = [(client, response["Location"])] if response.status_code in (302, 303) else []
    pages += [(readers["lead"], url) for url in readers["lead_pages"]]
    pages += [(readers["patient"], url) for url in ("/my/plan/", "/my/check-in/", "/my/reading/")]
    failures = [(url, client.get(url).status_code) for client, url in pages]
    return [f"then GET {url}: {status}" for url, status in failures if status >= 500]


def post_and_check(
    page: FormPage, world: FormWorld, client: Client, body: hostile.Body, readers: dict
) -> list[str]:
    def check() -> list[str]:
        verdict = Verdict.of(page, world, body)
        target = page.target(world)
        before = Snapshot.take(target)
        response = post(client, page.url(world), body)
        after = Snapshot.take(target)
        problems = outcome_problems(verdict, before, after, response.status_code)
        if not problems and response.status_code < 400 and after != before:
            problems = shown_after_saving(response, client, readers)
        sent = body.content[:2000].decode()
        return [f"{page.url_name}: {problem} for {sent!r}" for problem in problems]

    return rolled_back(check)


def readers_of(world: FormWorld) -> dict:
    plan = world.plan.pk
    return {
        "lead": client_for(world.lead()),
        "lead_pages": ("/care/", f"/care/plans/{plan}/", f"/care/plans/{plan}/history/"),
        "patient": client_for(world.patient_user()),
    }


# The form pages in groups, one world per group; each page gets about the same examples.
GROUPS = {
    "patients and plans": ("careteam:patient-", "careteam:plan-", "plantemplates:"),
    "precautions, goals and activities": (
        "careteam:precaution-",
        "careteam:goal-",
        "careteam:activity-",
    ),
    "notes, the team and reading": (
        "careteam:team-note",
        "careteam:private-notes",
        "careteam:member-",
        "careteam:lead-",
        "patientportal_team:",
    ),
    "emergency access": ("careteam:emergency-",),
    "home exercise programmes": ("exercises_team:", "exercises:"),
    "the patient's own forms": ("patientportal:",),
    "secure messages": ("messaging_team:", "messaging:"),
}
# HOSTILE_EXAMPLES_PER_PAGE=200 for a deeper hunt than the suite's quick pass.
EXAMPLES_PER_PAGE = int(os.environ.get("HOSTILE_EXAMPLES_PER_PAGE", "6"))


def pages_of(group: str) -> list[str]:
    return [name for name in FORM_PAGES if name.startswith(GROUPS[group])]


def test_the_groups_hold_every_form_page_once():
    grouped = [name for group in GROUPS for name in pages_of(group)]
    assert sorted(grouped) == sorted(FORM_PAGES)


@pytest.mark.parametrize("group", GROUPS)
def test_hostile_input_is_refused_without_a_trace_or_saved_as_the_form_allows(form_world, group):
    names = pages_of(group)
    strategies = {name: field_strategies(FORM_PAGES[name], form_world) for name in names}
    clients = {name: client_for(FORM_PAGES[name].user(form_world)) for name in names}
    readers = readers_of(form_world)

    @settings(EXAMPLES, max_examples=EXAMPLES_PER_PAGE * len(names))
    @given(data=st.data(), content_type=hostile.BODY_KINDS)
    def examples(data, content_type):
        name = data.draw(st.sampled_from(names), label="page")
        pairs = data.draw(hostile.submissions(strategies[name]), label="fields")
        body = hostile.encode(pairs, content_type)
        problems = post_and_check(FORM_PAGES[name], form_world, clients[name], body, readers)
        assert not problems, "\n".join(problems)

    examples()


def test_plain_valid_input_to_every_form_is_saved_so_the_property_reaches_success(form_world):
    problems = []
    for name, page in FORM_PAGES.items():
        form, known_good = page.bind(form_world, None), page.known_good(form_world)
        bound = [form[field_name] for field_name in form.fields] if form is not None else []
        pairs = [(b.html_name, plain_value(b, known_good)) for b in bound]
        pairs += [(name, values[0]) for name, values in page.extra(form_world).items()]
        body = hostile.encode([(key, value) for key, value in pairs if value is not None])
        client = client_for(page.user(form_world))

        def check(page=page, body=body, client=client, pairs=pairs, name=name) -> list[str]:
            verdict = Verdict.of(page, form_world, body)
            response = post(client, page.url(form_world), body)
            if verdict.valid and response.status_code == 302:
                return []
            return [f"{name}: {response.status_code} for {pairs}: {response.content[:400]!r}"]

        problems += rolled_back(check)
    assert not problems, "\n".join(problems)


# --- Login and search ----------------------------------------------------------------------


@EXAMPLES
@given(
    username=st.one_of(st.just("VALID"), hostile.HOSTILE),
    password=st.one_of(st.just("VALID"), hostile.HOSTILE),
    extra=st.lists(hostile.EXTRA_FIELD, max_size=2),
    content_type=hostile.BODY_KINDS,
)
def test_a_hostile_login_never_fails_and_logs_in_only_with_the_right_password(
    form_world, username, password, extra, content_type
):
    user = form_world.patient_user()
    username = user.username if username == "VALID" else username
    password = PATIENT_PASSWORD if password == "VALID" else password
    body = hostile.encode([("username", username), ("password", password), *extra], content_type)

    def check() -> list[str]:
        client = client_for(None)
        response = post(client, reverse("login"), body)
        data = hostile.as_the_view_sees_it(body)
        logged_in = "_auth_user_id" in client.session
        right = data.get("username") == user.username and data.get("password") == PATIENT_PASSWORD
        status = response.status_code
        if status >= 500:
            return [f"{status}"]
        if hostile.has_nul(data):
            return [] if status == 400 and not logged_in else [f"NUL: {status}"]
        # Django's LoginView shows a refused login again with 200.
        if logged_in != right or (status == 302) != right:
            return [f"{status}, logged in: {logged_in}, right password: {right}"]
        return []

    problems = rolled_back(check)
    assert not problems, "\n".join(problems)


@EXAMPLES
@given(query=hostile.HOSTILE, page=st.one_of(st.none(), hostile.HOSTILE))
def test_a_hostile_search_is_answered_200_or_400_never_5xx(form_world, query, page):
    pairs = [("q", query)] + ([("page", page)] if page is not None else [])
    response = client_for(None).get("/search/?" + hostile.query_string(pairs))
    data = hostile.as_the_view_sees_it(hostile.encode(pairs))
    if hostile.has_nul(data) or len(data.get("q", "").strip()) > MAX_QUERY_LENGTH:
        expected = 400
    else:
        expected = 200
    assert response.status_code == expected, sorted(data.lists())
