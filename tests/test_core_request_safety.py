"""The request safeguards in core.middleware, checked against every URL under /care/ and
/my/ as the URL resolver lists them: nothing there may be stored by a browser or proxy, and
a NUL character anywhere in a request is a 400 before it reaches a view (PostgreSQL refuses
NUL in text, so it used to be a 500).

A URL added under /care/ or /my/ fails these tests until ``PARAMETERS`` (or ``ITEM_IDS``)
can fill its path and ``FORM_FIELDS`` names the fields its page submits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver, reverse
from wagtail.documents.models import Document

from careteam.forms import (
    ActivityForm,
    DeleteForm,
    EmergencyAccessForm,
    GoalForm,
    HandOverLeadForm,
    InviteMemberForm,
    NoteForm,
    PatientEditForm,
    PatientForm,
    PlanCreateForm,
    PlanEditForm,
    PrecautionForm,
)
from careteam.models import Activity, CarePlan, CareTeamMembership, Goal, Precaution
from careteam.policy import ON_CALL_GROUP
from careteam.services import open_emergency_access
from core.middleware import NUL_REFUSAL_MESSAGE, RejectNulBytesMiddleware
from exercises.forms import DoseForm, LogSessionForm, PrescribeForm, StopForm
from messaging.models import Audience, Thread
from messaging.services import start_thread
from patientportal.forms import (
    AcknowledgeAlertForm,
    AnswerQuestionnaireForm,
    AssignReadingForm,
    CheckInForm,
    InvitePatientForm,
    ReadingFeedbackForm,
    StartFlareForm,
    SwitchOffAccessForm,
)
from patientportal.forms.follow_ups import FollowUpAnswerForm
from patientportal.forms.reminders import ReminderPreferenceForm, UnsubscribeForm
from patientportal.forms.schedules import AddScheduleForm, ChangeScheduleForm, StopScheduleForm
from patientportal.models import CheckIn, ReadingAssignment, RedFlagAlert
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.patients import current_exercises
from patientportal.services.questionnaires import record_questionnaire
from plantemplates.forms import StartFromTemplateForm
from questionnaires.instruments import PHQ9, PSFS
from tests.exercises_fixtures import programme_exercise, programme_items
from tests.patient_fixtures import PortalWorld
from tests.portal_fixtures import make_article, make_topic
from tests.procedure_fixtures import due_follow_up
from tests.schedule_fixtures import odi_schedule

pytestmark = pytest.mark.django_db

PRIVATE_PREFIXES = ("care/", "my/")
PUBLIC_PAGES = ("/", "/articles/", "/search/", "/accounts/login/")
NUL_VALUE = "a\x00b"


@dataclass
class World:
    portal: PortalWorld
    goal: Goal
    activity: Activity
    precaution: Precaution
    membership: CareTeamMembership
    check_in: CheckIn
    alert: RedFlagAlert
    assignment: ReadingAssignment

    @property
    def plan(self) -> CarePlan:
        return self.portal.plan

    def actor(self, who: str):
        return {
            "lead": self.portal.lead,
            "patient": self.portal.patient_user,
            "outsider": self.portal.team.outsider,
            "anonymous": None,
        }[who]


@pytest.fixture
def world(portal_world: PortalWorld, site_tree) -> World:
    plan = portal_world.plan
    article = make_article(site_tree.articles, "Core basics", topics=[make_topic("Back pain")])
    assignment = assign_reading(plan, portal_world.lead, article, note="Read me")
    check_in = record_check_in(
        plan.patient, portal_world.patient_user, pain_score=7, red_flags=["severe_pain_after_fall"]
    )
    # The lead is on call too, so the clinic's alert list is a page they reach.
    portal_world.lead.groups.add(Group.objects.get(name=ON_CALL_GROUP))
    return World(
        portal=portal_world,
        goal=Goal.objects.filter(section__plan=plan).first(),
        activity=Activity.objects.filter(section__plan=plan).first(),
        precaution=Precaution.objects.get(plan=plan),
        membership=CareTeamMembership.objects.active().get(
            plan=plan, user=portal_world.team.contributor
        ),
        check_in=check_in,
        alert=RedFlagAlert.objects.get(plan=plan),
        assignment=assignment,
    )


# --- Every URL under /care/ and /my/, from the resolver ------------------------------------


@dataclass(frozen=True)
class PrivateUrl:
    route: str  # e.g. "care/plans/<id:plan_id>/goals/<id:item_id>/edit/"
    name: str  # "namespace:name"
    params: tuple[str, ...]

    @property
    def noun(self) -> str:
        """ "goal" for "careteam:goal-edit"."""
        return self.name.split(":")[-1].rsplit("-", 1)[0]

    @property
    def reached_by(self) -> str:
        """Who gets through to the view: the lead on /care/, the patient on /my/."""
        return "patient" if self.route.startswith("my/") else "lead"


def walk(patterns, prefix: str = "", namespace: str = "", params: tuple = ()) -> Iterator:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        names = (*params, *pattern.pattern.converters)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from walk(pattern.url_patterns, route, inner, names)
        else:
            yield PrivateUrl(
                route, ":".join(part for part in (namespace, pattern.name) if part), names
            )


def private_urls() -> list[PrivateUrl]:
    return [
        url for url in walk(get_resolver().url_patterns) if url.route.startswith(PRIVATE_PREFIXES)
    ]


PRIVATE_URLS = private_urls()


def emergency_grant(world: World):
    """A physician's emergency access to the plan (opening it again returns the same)."""
    physician = world.portal.team.spare_physician
    return open_emergency_access(physician, world.plan, "Seen in the emergency department now.")


def message_thread(world: World) -> Thread:
    """The plan's first message thread, started by the patient the first time it is asked."""
    thread = Thread.objects.filter(plan=world.plan).first()
    if thread is None:
        sent = start_thread(
            world.plan, world.portal.patient_user, audience=Audience.TEAM, subject="Hi", body="Hi"
        )
        thread = sent.message.thread
    return thread


SAFETY_RESULT_KEY = uuid.UUID("6d1c8a52-0f4e-4f6b-9a57-2b1e5c3d9f10")
PARAMETERS: dict[str, Callable[[World], object]] = {
    "plan_id": lambda world: world.plan.pk,
    "grant_id": lambda world: emergency_grant(world).pk,
    "section_id": lambda world: world.goal.section_id,
    "membership_id": lambda world: world.membership.pk,
    "alert_id": lambda world: world.alert.pk,
    "thread_id": lambda world: message_thread(world).pk,
    "check_in_id": lambda world: world.check_in.pk,
    "assignment_id": lambda world: world.assignment.pk,
    # The plan's ODI schedule (scheduled the first time it is asked for).
    "schedule_id": lambda world: odi_schedule(world.plan, world.portal.lead).pk,
    # A procedure follow-up the patient can answer today.
    "follow_up_id": lambda world: due_follow_up(world.portal).pk,
    "uidb64": lambda world: "MQ",  # the welcome link: a dummy is enough
    "token": lambda world: "not-a-real-token",
    # A questionnaire's page: the PSFS, whose form has text (the activities' names) too.
    "code": lambda world: PSFS.code,
    # An exercise in the plan's programme (prescribed the first time it is asked for).
    "exercise_id": lambda world: programme_exercise(world.plan, world.portal.lead).pk,
    # The crisis page after a PHQ-9 with a self-harm answer (the same result every time).
    "result_id": lambda world: (
        record_questionnaire(
            world.portal.patient,
            world.portal.patient_user,
            PHQ9,
            {**dict.fromkeys(PHQ9.item_keys, 0), "self_harm": 1},
            submission_key=SAFETY_RESULT_KEY,
        ).stored.pk
    ),
}
# ``item_id`` by the noun of the URL's name.
ITEM_IDS: dict[str, Callable[[World], object]] = {
    "precaution": lambda world: world.precaution.pk,
    "goal": lambda world: world.goal.pk,
    "activity": lambda world: world.activity.pk,
}


def fill(url: PrivateUrl, world: World) -> str:
    kwargs = {}
    for param in url.params:
        getter = ITEM_IDS.get(url.noun) if param == "item_id" else PARAMETERS.get(param)
        if getter is None:
            pytest.fail(f"No value for <{param}> in {url.route}: add one to PARAMETERS/ITEM_IDS.")
        kwargs[param] = getter(world)
    return reverse(url.name, kwargs=kwargs)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_walk_finds_every_provider_and_patient_page():
    names = {url.name for url in PRIVATE_URLS}
    assert len(PRIVATE_URLS) == len(names) >= 30
    assert {
        "careteam:dashboard",
        "careteam:goal-edit",
        "patientportal:check-in-urgent",
        "patientportal:welcome",
        "patientportal_team:acknowledge-alert",
        "patientportal_on_call:alerts",
    } <= names
    assert all(not name.endswith(":None") for name in names), "every URL needs a name"


def test_every_url_under_care_and_my_can_be_filled(world):
    for url in PRIVATE_URLS:
        assert fill(url, world).startswith(("/care/", "/my/")), url.route


# --- Nothing private is cached -------------------------------------------------------------


def cache_problems(response: HttpResponse, where: str) -> list[str]:
    header = response.get("Cache-Control", "")
    directives = {part.strip().split("=")[0].lower() for part in header.split(",")}
    if {"no-store", "private"} <= directives and not directives & {"public", "max-age"}:
        return []
    return [f"{where} ({response.status_code}): Cache-Control {header!r}"]


@pytest.mark.parametrize("who", ["lead", "patient", "outsider", "anonymous"])
def test_no_page_under_care_or_my_may_be_stored_whoever_asks(world, who):
    client = client_for(world.actor(who))
    problems = []
    statuses = set()
    for url in PRIVATE_URLS:
        path = fill(url, world)
        response = client.get(path)
        statuses.add(response.status_code)
        problems += cache_problems(response, f"GET {path} as {who}")
    assert not problems, "\n".join(problems)
    assert statuses - {200}, "expected refusals or redirects among the responses too"


def test_login_pages_unknown_pages_and_refusals_under_private_paths_are_not_stored(world):
    lead = client_for(world.actor("lead"))
    responses = {
        "login page": Client().get("/accounts/login/"),
        "failed login": Client().post("/accounts/login/", {"username": "x", "password": "y"}),
        "after login": lead.get("/accounts/after-login/"),
        "unknown page under /care/": lead.get("/care/no-such-page/"),
        "unknown plan": lead.get("/care/plans/999999/"),
        "method not allowed": lead.post(
            reverse("careteam:plan-detail", kwargs={"plan_id": world.plan.pk})
        ),
        "NUL refusal": lead.get("/care/?q=a%00b"),
    }
    problems = [p for where, r in responses.items() for p in cache_problems(r, where)]
    assert not problems, "\n".join(problems)
    assert responses["unknown plan"].status_code == 404
    assert responses["method not allowed"].status_code == 405
    assert responses["NUL refusal"].status_code == 400


def test_public_pages_keep_their_own_caching(world):
    response = Client().get("/articles/")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- NUL characters are a 400, everywhere --------------------------------------------------


def is_nul_refusal(response: HttpResponse) -> bool:
    return response.status_code == 400 and response.content.decode() == NUL_REFUSAL_MESSAGE


def form_fields(form_class) -> Callable[[World], Iterable[str]]:
    return lambda world: form_class.base_fields


def named(*names: str) -> Callable[[World], Iterable[str]]:
    return lambda world: names


NO_FORM = named("q")  # a page that only shows: the query parameter every page gets
# The fields each page's form submits (for pages that only show, the query they read).
FORM_FIELDS: dict[str, Callable[[World], Iterable[str]]] = {
    "careteam:dashboard": named("q", "page"),
    "careteam:patient-create": form_fields(PatientForm),
    "careteam:plan-create": form_fields(PlanCreateForm),
    "plantemplates:start": form_fields(StartFromTemplateForm),
    "careteam:plan-detail": NO_FORM,
    "careteam:plan-edit": form_fields(PlanEditForm),
    "careteam:patient-edit": form_fields(PatientEditForm),
    "careteam:plan-history": named("page"),
    "careteam:plan-audit": named("page"),
    "careteam:precaution-create": form_fields(PrecautionForm),
    "careteam:precaution-edit": form_fields(PrecautionForm),
    "careteam:precaution-delete": form_fields(DeleteForm),
    "careteam:goal-create": form_fields(GoalForm),
    "careteam:goal-edit": form_fields(GoalForm),
    "careteam:goal-delete": form_fields(DeleteForm),
    "careteam:activity-create": form_fields(ActivityForm),
    "careteam:activity-edit": form_fields(ActivityForm),
    "careteam:activity-delete": form_fields(DeleteForm),
    "careteam:team-note-create": form_fields(NoteForm),
    "careteam:private-notes": form_fields(NoteForm),
    "careteam:member-add": form_fields(InviteMemberForm),
    # A confirmation button: the CSRF token is its only field.
    "careteam:member-remove": named("csrfmiddlewaretoken"),
    "careteam:lead-hand-over": form_fields(HandOverLeadForm),
    # The record number and reason, then the plan chosen from the list the page shows.
    "careteam:emergency-access": lambda world: [*EmergencyAccessForm.base_fields, "plan"],
    "careteam:emergency-access-detail": NO_FORM,
    "careteam:emergency-access-end": named("csrfmiddlewaretoken"),
    "patientportal:home": NO_FORM,
    "patientportal:plan": NO_FORM,
    "patientportal:plan-detail": NO_FORM,
    "patientportal:reading": NO_FORM,
    "patientportal:record-views": NO_FORM,
    "patientportal:record": NO_FORM,
    "my-record-fhir": NO_FORM,
    "patientportal:reading-feedback": form_fields(ReadingFeedbackForm),
    "patientportal:check-in": lambda world: (
        CheckInForm(exercises=list(current_exercises(world.plan.patient))).fields
    ),
    "patientportal:check-in-urgent": NO_FORM,
    "patientportal:questionnaire-support": NO_FORM,
    "patientportal:questionnaire": lambda world: AnswerQuestionnaireForm(instrument=PSFS).fields,
    "patientportal:odi-moved": NO_FORM,
    # The flare page's "I'm having a flare" button posts to flare-start with its key; the
    # end button posts only the token.
    "patientportal:flare": lambda world: ["csrfmiddlewaretoken", *StartFlareForm.base_fields],
    "patientportal:flare-start": lambda world: [
        "csrfmiddlewaretoken",
        *StartFlareForm.base_fields,
    ],
    "patientportal:flare-end": named("csrfmiddlewaretoken"),
    # Pain now and relief since the procedure.
    "patientportal:follow-up": lambda world: [
        "csrfmiddlewaretoken",
        *FollowUpAnswerForm.base_fields,
    ],
    "patientportal_team:procedures": NO_FORM,
    "patientportal:welcome": form_fields(SetPasswordForm),
    "patientportal:reminders": lambda world: [
        "csrfmiddlewaretoken",
        *ReminderPreferenceForm.base_fields,
    ],
    # The reminder email's links: the page's button, and a mail program's one-click POST.
    "patientportal:unsubscribe": lambda world: [
        "csrfmiddlewaretoken",
        *UnsubscribeForm.base_fields,
    ],
    "patientportal:unsubscribe-one-click": named("List-Unsubscribe"),
    # Buttons too; the invite button carries a one-time key.
    "patientportal_team:invite": lambda world: [
        "csrfmiddlewaretoken",
        *InvitePatientForm.base_fields,
    ],
    # The confirmation page's button names itself.
    "patientportal_team:revoke": lambda world: [
        "csrfmiddlewaretoken",
        *SwitchOffAccessForm.base_fields,
    ],
    "patientportal_team:reading": named("page"),
    "patientportal_team:assign-reading": form_fields(AssignReadingForm),
    # Questionnaire schedules: the list with the form that adds one; a schedule's form and
    # its stop button (carrying the version).
    "patientportal_team:questionnaire-schedules": form_fields(AddScheduleForm),
    "patientportal_team:questionnaire-schedule": form_fields(ChangeScheduleForm),
    "patientportal_team:questionnaire-schedule-stop": form_fields(StopScheduleForm),
    # The form that closes an alert, and where to go back to afterwards.
    "patientportal_team:acknowledge-alert": lambda world: [
        *AcknowledgeAlertForm.base_fields,
        "next",
    ],
    "patientportal_on_call:alerts": NO_FORM,
    # The home exercise programme: the patient's page, log (with the programme it is for)
    # and handout; the team's page, its three forms and its handout.
    "exercises:programme": NO_FORM,
    "exercises:log": lambda world: [
        "plan",
        "version",
        *LogSessionForm(items=programme_items(world.plan, world.portal.lead)).fields,
    ],
    "exercises:print": NO_FORM,
    "exercises_team:programme": NO_FORM,
    "exercises_team:add": form_fields(PrescribeForm),
    "exercises_team:change-dose": form_fields(DoseForm),
    "exercises_team:stop": form_fields(StopForm),
    "exercises_team:print": NO_FORM,
    # Secure messages: a new thread (the patient's form chooses the plan too) and a reply.
    "messaging_team:messages": named("audience", "subject", "body"),
    "messaging_team:thread": named("body"),
    "messaging:messages": named("plan", "audience", "subject", "body"),
    "messaging:thread": named("body"),
}
# Query parameters the public pages read.
PUBLIC_QUERY = {
    "/": ("q",),
    "/articles/": ("q", "topic", "page"),
    "/search/": ("q", "page"),
    "/accounts/login/": ("q", "next"),
}


def fields_for(url: PrivateUrl, world: World) -> list[str]:
    if url.name not in FORM_FIELDS:
        pytest.fail(f"{url.name} ({url.route}) is missing from FORM_FIELDS.")
    names = list(FORM_FIELDS[url.name](world))
    assert names, url.name
    return names


def test_every_url_under_care_and_my_names_its_form_fields(world):
    assert set(FORM_FIELDS) == {url.name for url in PRIVATE_URLS}
    for url in PRIVATE_URLS:
        fields_for(url, world)


def get_problems(client: Client, path: str, parameters: Iterable[str]) -> list[str]:
    problems = []
    clean = client.get(path, dict.fromkeys(parameters, "ab"))
    if is_nul_refusal(clean):
        problems.append(f"GET {path} without a NUL was refused")
    for name in parameters:
        response = client.get(f"{path}?{name}=a%00b")
        if not is_nul_refusal(response):
            problems.append(f"GET {path}?{name}=a%00b: {response.status_code}")
    response = client.get(f"{path}?a%00b=1")
    if not is_nul_refusal(response):
        problems.append(f"GET {path} with a NUL in a parameter name: {response.status_code}")
    return problems


def post_problems(client: Client, path: str, fields: Iterable[str]) -> list[str]:
    data = dict.fromkeys(fields, NUL_VALUE)
    responses = {
        "multipart": client.post(path, data),
        "urlencoded": client.post(
            path, urlencode(data), content_type="application/x-www-form-urlencoded"
        ),
        "NUL in a field name": client.post(path, {"a\x00b": "1"}),
    }
    return [
        f"POST {path} ({kind}, fields {sorted(data)}): {response.status_code}"
        for kind, response in responses.items()
        if not is_nul_refusal(response)
    ]


def test_a_nul_anywhere_in_a_request_to_care_or_my_is_refused_before_the_view(world):
    problems = []
    for url in PRIVATE_URLS:
        client = client_for(world.actor(url.reached_by))
        path = fill(url, world)
        fields = fields_for(url, world)
        parameters = {"q", *(f for f in fields if f in ("q", "page"))}
        problems += get_problems(client, path, sorted(parameters))
        problems += post_problems(client, path, fields)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_nul_in_the_query_of_a_public_page_is_refused(world, path):
    problems = get_problems(client_for(world.actor("lead")), path, PUBLIC_QUERY[path])
    assert not problems, "\n".join(problems)


def test_a_nul_in_the_login_form_is_refused():
    response = Client().post("/accounts/login/", {"username": NUL_VALUE, "password": "x"})
    assert is_nul_refusal(response)
    assert response["Content-Type"].startswith("text/plain")


def test_the_article_topic_filter_refuses_a_nul(world):
    assert is_nul_refusal(Client().get("/articles/?topic=a%00b"))
    assert Client().get("/articles/?topic=back-pain").status_code == 200


@pytest.mark.parametrize("path", ["/articles/a%00b/", "/care/plans/1%00/", "/%00", "/my/%00/"])
def test_a_nul_in_the_path_is_refused(world, path):
    assert is_nul_refusal(client_for(world.actor("lead")).get(path))


def test_a_nul_in_a_cookie_such_as_the_session_key_is_refused(world):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert is_nul_refusal(client.get("/care/"))
    assert is_nul_refusal(client.get("/articles/"))


def test_requests_without_a_nul_still_reach_their_views(world):
    lead = client_for(world.actor("lead"))
    assert lead.get("/care/", {"q": "Example"}).status_code == 200
    assert Client().get("/search/", {"q": "core"}).status_code == 200
    assert client_for(world.actor("patient")).get("/my/plan/").status_code == 200
    response = lead.post(
        reverse("careteam:team-note-create", kwargs={"plan_id": world.plan.pk}),
        {"body": "Seen today, no NUL here."},
    )
    assert response.status_code == 302
    assert world.plan.team_notes.filter(body="Seen today, no NUL here.").exists()


# --- Multipart uploads pass through untouched -----------------------------------------------


def read_upload(request) -> HttpResponse:
    upload = request.FILES["file"]
    return HttpResponse(f"{request.POST['title']}|{upload.name}|{upload.read().decode()}")


def test_an_uploaded_file_is_still_readable_after_the_check():
    upload = SimpleUploadedFile("exercises.txt", b"contents\x00with a NUL are not inspected")
    request = RequestFactory().post("/cms/documents/add/", {"title": "Sheet", "file": upload})
    response = RejectNulBytesMiddleware(read_upload)(request)
    assert response.status_code == 200
    assert response.content == b"Sheet|exercises.txt|contents\x00with a NUL are not inspected"


def test_a_nul_in_a_multipart_field_or_upload_field_name_is_refused():
    def upload(field: str, title: str) -> HttpResponse:
        data = {"title": title, field: SimpleUploadedFile("sheet.txt", b"plain text")}
        request = RequestFactory().post("/cms/documents/add/", data)
        return RejectNulBytesMiddleware(read_upload)(request)

    assert is_nul_refusal(upload("fi\x00le", "Sheet"))
    assert is_nul_refusal(upload("file", NUL_VALUE))
    assert upload("file", "Sheet").status_code == 200


def test_a_nul_refused_under_the_api_is_answered_as_problem_details_like_its_other_errors():
    def never(request):
        raise AssertionError("a request with a NUL reached the view")

    request = RequestFactory().get("/api/v1/plans/", {"status": "act\x00ive"})
    response = RejectNulBytesMiddleware(never)(request)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = json.loads(response.content)
    assert (problem["status"], problem["detail"]) == (400, NUL_REFUSAL_MESSAGE)
    elsewhere = RejectNulBytesMiddleware(never)(RequestFactory().get("/my/plan/", {"q": "a\x00"}))
    assert is_nul_refusal(elsewhere)
    assert elsewhere["Content-Type"] == "text/plain; charset=utf-8"


def test_editors_can_still_upload_documents_in_the_wagtail_admin(world):
    client = client_for(get_user_model().objects.create_superuser("t.admin"))
    response = client.post(
        "/cms/documents/add/",
        {"title": "Pacing sheet", "file": SimpleUploadedFile("pacing.txt", b"Pace yourself.")},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    document = Document.objects.get(title="Pacing sheet")
    with document.file.open() as stored:
        assert stored.read() == b"Pace yourself."
    document.file.delete(save=False)
