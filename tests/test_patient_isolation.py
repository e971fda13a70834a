"""A patient sees only their own plan and what is marked for them, by every URL: never
another patient's data, team notes, private notes, hidden items or the provider UI."""

import pytest
from django.urls import URLPattern, reverse

from audit.models import AuditEvent
from careteam import urls as careteam_urls
from careteam.models import CarePlan
from patientportal import team_urls
from patientportal import urls as patient_urls
from patientportal.models import (
    CheckIn,
    Flare,
    PatientInvitation,
    ReadingAssignment,
    RedFlagAlert,
)
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from patientportal.services.schedules import schedule_questionnaire
from questionnaires.instruments import INSTRUMENTS, PHQ9, PSFS
from tests.portal_fixtures import make_article
from tests.procedure_fixtures import due_follow_up

pytestmark = pytest.mark.django_db

SECRETS = ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE")
# Everything of the other patient that could leak.
OTHER_MARKERS = ("OTHER", "OTHERPLAN", "T-0002", "Other advice")


@pytest.fixture
def world(portal_world, site_tree):
    article = make_article(site_tree.articles, "Other advice for the second patient")
    mine = make_article(site_tree.articles, "Core basics")
    assign_reading(portal_world.plan, portal_world.lead, mine, note="Read me")
    theirs = assign_reading(portal_world.other_plan, portal_world.lead, article, note="OTHER note")
    their_check_in = record_check_in(
        portal_world.other_plan.patient,
        portal_world.other_user,
        pain_score=6,
        note="OTHER check-in note",
        red_flags=["severe_pain_after_fall"],
    )
    record_check_in(portal_world.patient, portal_world.patient_user, pain_score=3)
    # Their questionnaires: the PSFS's activity names would be offered again on their form.
    other_patient = portal_world.other_plan.patient
    activities = {"activity_1": {"name": "OTHER climbing stairs", "rating": 3}}
    record_questionnaire(other_patient, portal_world.other_user, PSFS, activities)
    # Their PHQ-9 has a self-harm answer: its crisis page is theirs alone.
    their_result = record_questionnaire(
        other_patient, portal_world.other_user, PHQ9, dict.fromkeys(PHQ9.item_keys, 2)
    ).stored
    portal_world.their_result = their_result
    # Their procedure's follow-up, due today.
    portal_world.their_follow_up = due_follow_up(portal_world, portal_world.other_plan)
    portal_world.their_assignment = theirs
    portal_world.their_check_in = their_check_in
    return portal_world


def my_url_names():
    return [p.name for p in patient_urls.urlpatterns if isinstance(p, URLPattern)]


def other_patients_args(world, name):
    """Arguments that point at the other patient's objects, for URLs that take any."""
    return {
        "plan-detail": [world.other_plan.pk],
        "reading-feedback": [world.their_assignment.pk],
        "check-in-urgent": [world.their_check_in.pk],
        "questionnaire-support": [world.their_result.pk],
        "follow-up": [world.their_follow_up.pk],
    }.get(name, [])


OWN_PAGES = {
    "home",
    "plan",
    "reading",
    "check-in",
    "questionnaire",
    "record-views",
    "record",
    "flare",
    "reminders",
}
# Buttons that act on the patient's own record and take no id (POST only).
OWN_ACTIONS = {"flare-start", "flare-end"}
OTHER_OBJECT_PAGES = {
    "plan-detail",
    "reading-feedback",
    "check-in-urgent",
    "questionnaire-support",
    "follow-up",
}
# The invitation link (tested in test_patient_access) and the reminder email's unsubscribe
# links, whose signed token is the check (tested in test_patient_reminders).
PUBLIC_PAGES = {"welcome", "unsubscribe", "unsubscribe-one-click"}
REDIRECTS = {"odi-moved"}  # /my/odi/ -> the ODI's page


def own_paths(name: str) -> list[str]:
    """An own page's addresses: each questionnaire's, for the page that takes its code."""
    if name == "questionnaire":
        return [reverse("patientportal:questionnaire", args=[code]) for code in INSTRUMENTS]
    return [reverse(f"patientportal:{name}")]


def test_every_my_url_is_covered_here():
    assert set(my_url_names()) == (
        OWN_PAGES | OWN_ACTIONS | OTHER_OBJECT_PAGES | PUBLIC_PAGES | REDIRECTS
    )
    assert reverse("patientportal:home") == "/my/"


@pytest.mark.parametrize("name", sorted(OWN_PAGES))
def test_own_pages_show_only_my_data(client, world, name):
    client.force_login(world.patient_user)
    for path in own_paths(name):
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        for leak in (*SECRETS, *OTHER_MARKERS, world.other_plan.patient.family_name):
            assert leak not in html, f"{leak!r} leaked into {path}"


@pytest.mark.parametrize("name", sorted(OTHER_OBJECT_PAGES))
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_patients_objects_are_404(client, world, name, method):
    client.force_login(world.patient_user)
    url = reverse(f"patientportal:{name}", args=other_patients_args(world, name))
    response = getattr(client, method)(url, {"helpful": "yes"})
    assert response.status_code in (404, 405)
    for leak in OTHER_MARKERS:
        assert leak not in response.content.decode()
    world.their_assignment.refresh_from_db()
    assert world.their_assignment.helpful is None


@pytest.mark.parametrize("name", sorted(OWN_PAGES | OTHER_OBJECT_PAGES))
def test_providers_and_editors_are_not_patients(client, world, name):
    client.force_login(world.lead)
    if name in OWN_PAGES:
        url = own_paths(name)[0]
    else:
        url = reverse(f"patientportal:{name}", args=other_patients_args(world, name))
    response = client.get(url)
    assert response.status_code in (404, 405)
    assert AuditEvent.objects.filter(actor=world.lead, action="denied").exists() or (
        response.status_code == 405
    )


@pytest.mark.parametrize("name", sorted(OWN_ACTIONS))
def test_own_actions_are_refused_to_providers_and_anonymous_visitors(client, world, name):
    url = reverse(f"patientportal:{name}")
    assert client.post(url).status_code == 302  # to the login page
    client.force_login(world.lead)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert not Flare.objects.exists()


@pytest.mark.parametrize("name", sorted(OWN_PAGES))
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    for path in own_paths(name):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def care_urls(world):
    """Every provider URL, pointed at the patient's own plan (where they take ids)."""
    urls = []
    for pattern in careteam_urls.urlpatterns:
        keys = set(pattern.pattern.converters)
        kwargs = {"plan_id": world.plan.pk}
        kwargs.update(dict.fromkeys(keys - {"plan_id"}, 1))
        urls.append(reverse(f"careteam:{pattern.name}", kwargs={k: kwargs[k] for k in keys}))
    for pattern in team_urls.urlpatterns:
        keys = set(pattern.pattern.converters) | {"plan_id"}  # plan_id is in the include
        kwargs = {"plan_id": world.plan.pk, "alert_id": 1, "schedule_id": 1}
        urls.append(
            reverse(f"patientportal_team:{pattern.name}", kwargs={k: kwargs[k] for k in keys})
        )
    return urls


def test_the_provider_ui_is_404_for_patients_even_for_their_own_plan(client, world):
    client.force_login(world.patient_user)
    urls = care_urls(world)
    assert len(urls) >= 10
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (404, 405), (method, url, response.status_code)
            html = response.content.decode()
            for leak in (*SECRETS, world.plan.title):
                assert leak not in html, (url, leak)
    assert (
        not ReadingAssignment.objects.filter(plan=world.plan)
        .exclude(page_title="Core basics")
        .exists()
    )
    assert CheckIn.objects.count() == 2


def test_a_draft_plan_is_not_shown_to_the_patient(client, world):
    CarePlan.objects.filter(pk=world.plan.pk).update(status="draft")
    client.force_login(world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert world.plan.title not in html
    assert "ALEX" not in html
    assert client.get(reverse("patientportal:plan-detail", args=[world.plan.pk])).status_code == 404


@pytest.mark.parametrize("who", ["outsider", "patient", "anonymous"])
def test_team_portal_actions_refuse_everyone_off_the_team(client, world, who):
    user = {"outsider": world.team.outsider, "patient": world.patient_user}.get(who)
    if user is not None:
        client.force_login(user)
    alert = RedFlagAlert.objects.get(plan=world.other_plan, check_in=world.their_check_in)
    invitations = PatientInvitation.objects.count()
    schedule = schedule_questionnaire(world.lead, world.other_plan, "peg")
    for pattern in team_urls.urlpatterns:
        kwargs = {"plan_id": world.other_plan.pk}
        if "alert_id" in pattern.pattern.converters:
            kwargs["alert_id"] = alert.pk
        if "schedule_id" in pattern.pattern.converters:
            kwargs["schedule_id"] = schedule.pk
        url = reverse(f"patientportal_team:{pattern.name}", kwargs=kwargs)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if who == "anonymous":
                assert response.status_code in (302, 405)
                if response.status_code == 302:
                    assert response["Location"].startswith(reverse("login"))
            else:
                assert response.status_code in (404, 405), (url, method)
            assert "OTHER" not in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert PatientInvitation.objects.count() == invitations
    world.other_user.refresh_from_db()
    assert world.other_user.is_active
    schedule.refresh_from_db()
    assert schedule.active and schedule.version == 1
