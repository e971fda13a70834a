"""The programme's pages: the patient's programme with its pictures, the session log, the
printable handout (dosing and the red-flag box), the team's page with versions and the
adherence chart, adding an exercise with the contraindication confirmation, changing a
dose and stopping an exercise (a stale form is a 409, a refusal a 400 with its reason), the plan
page's link, and their query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from exercises.models import ExerciseSession, Programme
from tests.exercises_fixtures import (
    DEAD_BUG_PURPOSE,
    DEAD_BUG_STEP,
    ProgrammeWorld,
    make_exercise,
    prescribe,
)

pytestmark = pytest.mark.django_db

RED_FLAGS_HEADING = "Get urgent help now if you have"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def with_programme(programme_world: ProgrammeWorld) -> ProgrammeWorld:
    world = programme_world
    prescribe(world.plan, world.team.physio, world.dead_bug, sets=3, repetitions=6, hold_seconds=5)
    prescribe(world.plan, world.team.physio, world.bridge, times_per_day=2, days_per_week=5)
    return world


def test_the_patient_sees_their_exercises_with_pictures_steps_and_doses(with_programme):
    world = with_programme
    response = logged_in(world.portal.patient_user).get(reverse("exercises:programme"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dead bug" in body and DEAD_BUG_PURPOSE in body and DEAD_BUG_STEP in body
    assert "3 sets of 6, hold 5 seconds; once a day, every day" in body
    assert "2 sets of 8; twice a day, 5 days a week" in body
    # The picture is a rendition, with its caption as the alternative text.
    assert re.search(
        r'<img alt="Dead bug, start position"[^>]*src="[^"]*images/[^"]*fill-480x320', body
    )
    assert "Added Glute bridge" in body  # what changed in the newest version
    assert 'href="/my/programme/"' in body  # "My exercises" in the patient's navigation


def test_another_patient_sees_none_of_it(with_programme):
    world = with_programme
    response = logged_in(world.portal.other_user).get(reverse("exercises:programme"))
    assert response.status_code == 200
    assert "Dead bug" not in response.content.decode()


def test_a_provider_is_not_a_patient_here(with_programme):
    world = with_programme
    for name in ("exercises:programme", "exercises:log", "exercises:print"):
        assert logged_in(world.team.physio).get(reverse(name)).status_code == 404


def log_data(client: Client, world: ProgrammeWorld) -> dict:
    page = client.get(reverse("exercises:log")).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    data.pop("csrfmiddlewaretoken", None)
    items = re.findall(r'name="completion_(\d+)"', page)
    for item in set(items):
        data[f"completion_{item}"] = "partly"
        data[f"effort_{item}"] = "too-hard"
    return data | {"performed_on": timezone.localdate().isoformat(), "pain_during": "4"}


def test_the_patient_logs_a_session_from_the_form(with_programme):
    world = with_programme
    client = logged_in(world.portal.patient_user)
    response = client.post(reverse("exercises:log"), log_data(client, world))
    assert response.status_code == 302
    session = ExerciseSession.objects.get()
    assert session.pain_during == 4
    assert sorted(session.entries.values_list("completion", flat=True)) == ["partly", "partly"]


def test_a_log_of_a_programme_changed_meanwhile_is_not_saved(with_programme):
    world = with_programme
    client = logged_in(world.portal.patient_user)
    data = log_data(client, world)
    prescribe(world.plan, world.team.physio, make_exercise("Wall sit"))
    response = client.post(reverse("exercises:log"), data)
    assert response.status_code == 409
    assert "changed your programme" in response.content.decode()
    assert not ExerciseSession.objects.exists()


def test_a_log_with_a_missing_answer_is_a_clear_400(with_programme):
    world = with_programme
    client = logged_in(world.portal.patient_user)
    data = {k: v for k, v in log_data(client, world).items() if not k.startswith("completion_")}
    response = client.post(reverse("exercises:log"), data)
    assert response.status_code == 400
    assert "Say whether you did Dead bug" in response.content.decode()


@pytest.mark.parametrize("copy", ["patient", "team"])
def test_the_handout_has_pictures_dosing_and_the_red_flag_box(with_programme, copy):
    world = with_programme
    if copy == "patient":
        client, url = logged_in(world.portal.patient_user), reverse("exercises:print")
    else:
        client = logged_in(world.team.lead)
        url = reverse("exercises_team:print", kwargs={"plan_id": world.plan.pk})
    body = client.get(url).content.decode()
    assert 'class="container handout"' in body
    assert "3 sets of 6, hold 5 seconds; once a day, every day" in body
    assert RED_FLAGS_HEADING in body and "Call 999" in body
    assert "fill-480x320" in body
    assert "exercises/css/programme.css" in body  # the print rules for A4


def test_the_team_page_shows_versions_adherence_and_charts(with_programme):
    world = with_programme
    client = logged_in(world.portal.patient_user)
    client.post(reverse("exercises:log"), log_data(client, world))
    url = reverse("exercises_team:programme", kwargs={"plan_id": world.plan.pk})
    response = logged_in(world.team.mental_health).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Version 2" in body and "Added Glute bridge" in body
    assert '<svg class="trend__svg"' in body and 'role="img"' in body
    assert "Week by week" in body and "too-hard" not in body  # efforts read in words
    assert "Pain during exercise sessions" in body
    # The mental-health member reads, but the buttons that change it are not shown.
    assert "Add an exercise from the library" not in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED, actor=world.team.mental_health, care_plan_id=world.plan.pk
    ).exists()


def test_adding_a_ruled_out_exercise_asks_for_confirmation_then_records_it(programme_world):
    world = programme_world
    client = logged_in(world.team.physio)
    url = reverse("exercises_team:add", kwargs={"plan_id": world.plan.pk})
    page = client.get(url).content.decode()
    assert "Conflicts with precautions: Deep stretching" in page
    assert "Unreviewed plank" not in page  # a draft is not in the library
    data = {
        "exercise": world.stretch.pk,
        "version": 0,
        "sets": 2,
        "repetitions": 8,
        "hold_seconds": 0,
        "times_per_day": 1,
        "days_per_week": 7,
        "note": "",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "precautions rule out" in refused.content.decode()
    assert not Programme.objects.exists()
    confirmed = client.post(url, data | {"confirm_conflicts": "on"})
    assert confirmed.status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.CREATED, actor=world.team.physio).latest(
        "pk"
    )
    assert event.detail["confirmed_conflicts"] == ["Deep stretching"]


def test_a_stale_add_is_a_conflict_not_an_overwrite(with_programme):
    world = with_programme
    url = reverse("exercises_team:add", kwargs={"plan_id": world.plan.pk})
    data = {
        "exercise": make_exercise("Clamshell").pk,
        "version": 1,
        "sets": 2,
        "repetitions": 8,
        "hold_seconds": 0,
        "times_per_day": 1,
        "days_per_week": 7,
    }
    response = logged_in(world.team.lead).post(url, data)
    assert response.status_code == 409
    assert Programme.objects.get().version == 2


def _dose(version: int, **changes: object) -> dict[str, object]:
    return {
        "version": version,
        "sets": 3,
        "repetitions": 6,
        "hold_seconds": 5,
        "times_per_day": 1,
        "days_per_week": 7,
        "note": "",
        **changes,
    }


def test_the_physio_changes_a_dose_and_a_stale_change_is_a_conflict(with_programme):
    world = with_programme
    client = logged_in(world.team.physio)
    url = reverse(
        "exercises_team:change-dose",
        kwargs={"plan_id": world.plan.pk, "exercise_id": world.dead_bug.pk},
    )

    saved = client.post(url, _dose(2, sets=4))
    stale = client.post(url, _dose(2, sets=5))

    assert saved.status_code == 302
    assert stale.status_code == 409
    assert "changed" in stale.content.decode()
    programme = Programme.objects.get()
    assert programme.version == 3
    assert programme.versions.get(number=3).items.get(exercise=world.dead_bug).sets == 4


def test_a_dose_change_the_programme_refuses_is_a_400_with_its_reason(with_programme):
    world = with_programme
    url = reverse(
        "exercises_team:change-dose",
        kwargs={"plan_id": world.plan.pk, "exercise_id": world.dead_bug.pk},
    )

    unchanged = logged_in(world.team.physio).post(url, _dose(2))
    out_of_range = logged_in(world.team.physio).post(url, _dose(2, sets=0))

    assert unchanged.status_code == 400
    assert "Nothing changed" in unchanged.content.decode()
    assert out_of_range.status_code == 400
    assert Programme.objects.get().version == 2


def test_the_physio_stops_an_exercise_once_and_a_stale_stop_is_a_conflict(with_programme):
    world = with_programme
    client = logged_in(world.team.physio)

    def stop_url(exercise) -> str:
        kwargs = {"plan_id": world.plan.pk, "exercise_id": exercise.pk}
        return reverse("exercises_team:stop", kwargs=kwargs)

    stopped = client.post(stop_url(world.dead_bug), {"version": 2})
    stale = client.post(stop_url(world.bridge), {"version": 2})

    assert stopped.status_code == 302
    assert stale.status_code == 409
    current = Programme.objects.get().versions.get(number=3)
    assert [item.exercise_id for item in current.items.all()] == [world.bridge.pk]


def test_the_plan_page_links_to_the_programme(with_programme):
    world = with_programme
    response = logged_in(world.team.contributor).get(
        reverse("careteam:plan-detail", kwargs={"plan_id": world.plan.pk})
    )
    body = response.content.decode()
    assert 'id="exercise-programme-heading"' in body
    assert f'href="/care/plans/{world.plan.pk}/programme/"' in body


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_patient_page_and_handout_cost_the_same_for_two_exercises_or_five(with_programme):
    world = with_programme
    client = logged_in(world.portal.patient_user)
    urls = (reverse("exercises:programme"), reverse("exercises:print"))
    for url in urls:
        client.get(url)  # renditions made once
    before = [count_queries(client, url) for url in urls]
    for name in ("Wall sit", "Clamshell", "Bird dog"):
        prescribe(world.plan, world.team.physio, make_exercise(name, picture=True))
    for url in urls:
        client.get(url)
    after = [count_queries(client, url) for url in urls]
    assert after == before
    assert max(after) <= 22


def test_the_team_page_costs_the_same_for_more_exercises_versions_and_sessions(with_programme):
    world = with_programme
    client = logged_in(world.team.lead)
    url = reverse("exercises_team:programme", kwargs={"plan_id": world.plan.pk})
    patient = logged_in(world.portal.patient_user)
    patient.post(reverse("exercises:log"), log_data(patient, world))
    client.get(url)  # the first visit of the session reads a little more
    before = count_queries(client, url)
    for name in ("Wall sit", "Clamshell"):
        prescribe(world.plan, world.team.physio, make_exercise(name, picture=True))
    patient.post(reverse("exercises:log"), log_data(patient, world))
    assert count_queries(client, url) == before
    assert before <= 30
