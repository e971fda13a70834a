"""The patient's to-do list at /my/: today's check-in, questionnaires due, procedure
follow-ups due, unread reading and this week's activities, on the patient's own calendar;
where patients land; a fixed number of queries however long the list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from careteam.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    CarePlanStatus,
    Discipline,
    Patient,
)
from careteam.services import create_activity, update_activity, update_plan
from patientportal.services.assigned_reading import assign_reading, mark_read_by_patient
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from patientportal.services.schedules import schedule_questionnaire, stop_schedule
from patientportal.services.todo import ToDoKind, todo_for
from questionnaires.instruments import PEG, PHQ9
from tests.patient_fixtures import move_patient
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def patient_of(world) -> Patient:
    return Patient.objects.get(pk=world.plan.patient_id)


def kinds(todo) -> list[str]:
    return [item.kind.value for item in todo.items]


def test_a_new_day_asks_for_a_check_in_until_the_patient_has_checked_in(portal_world):
    patient = patient_of(portal_world)
    todo = todo_for(patient, timezone.now())
    [check_in] = todo.of_kind(ToDoKind.CHECK_IN)
    assert check_in.url == reverse("patientportal:check-in")
    assert check_in.due_on == todo.today and not check_in.overdue
    record_check_in(patient, portal_world.patient_user, pain_score=4)
    assert todo_for(patient, timezone.now()).of_kind(ToDoKind.CHECK_IN) == []


def set_plan_status(world, status: str) -> None:
    plan = world.plan
    plan.refresh_from_db()
    update_plan(plan, world.lead, plan.version, status=status)


def test_a_patient_with_no_current_plan_is_not_asked_to_check_in(portal_world):
    patient = patient_of(portal_world)
    set_plan_status(portal_world, CarePlanStatus.ON_HOLD)
    assert len(todo_for(patient, timezone.now()).of_kind(ToDoKind.CHECK_IN)) == 1
    set_plan_status(portal_world, CarePlanStatus.COMPLETED)
    assert todo_for(patient, timezone.now()).of_kind(ToDoKind.CHECK_IN) == []
    set_plan_status(portal_world, CarePlanStatus.ACTIVE)
    assert len(todo_for(patient, timezone.now()).of_kind(ToDoKind.CHECK_IN)) == 1


def test_a_check_in_late_last_night_in_new_york_does_not_count_for_today(portal_world, monkeypatch):
    patient = move_patient(portal_world, "America/New_York")
    # 23:30 EST on 4 November 2026 is 04:30 UTC on 5 November.
    monkeypatch.setattr(timezone, "now", lambda: at("2026-11-05 04:30"))
    record_check_in(patient, portal_world.patient_user, pain_score=5)
    monkeypatch.undo()
    assert todo_for(patient, at("2026-11-05 04:45")).of_kind(ToDoKind.CHECK_IN) == []
    # At 08:00 EST on 5 November it is a new day there.
    assert len(todo_for(patient, at("2026-11-05 13:00")).of_kind(ToDoKind.CHECK_IN)) == 1


def test_questionnaires_due_and_overdue_link_to_their_forms(portal_world, monkeypatch):
    patient = patient_of(portal_world)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-02 12:00"))
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    schedule_questionnaire(
        portal_world.team.mental_health,
        portal_world.plan,
        "phq9",
        starts_on=datetime.date(2026, 3, 9),
    )
    monkeypatch.undo()
    todo = todo_for(patient, at("2026-03-04 12:00"))
    [peg] = todo.of_kind(ToDoKind.QUESTIONNAIRE)
    assert peg.url == reverse("patientportal:questionnaire", kwargs={"code": "peg"})
    assert peg.overdue and peg.due_on == datetime.date(2026, 3, 2)
    assert todo.items[0] == peg  # overdue first
    later = todo_for(patient, at("2026-03-09 12:00"))
    assert {item.url.rsplit("/", 2)[-2] for item in later.of_kind(ToDoKind.QUESTIONNAIRE)} == {
        "peg",
        "phq9",
    }


def test_answering_takes_the_questionnaire_off_the_list_until_it_is_due_again(
    portal_world, monkeypatch
):
    patient = patient_of(portal_world)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-02 12:00"))
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    record_questionnaire(patient, portal_world.patient_user, PEG, dict.fromkeys(PEG.item_keys, 5))
    monkeypatch.undo()
    assert todo_for(patient, at("2026-03-08 12:00")).of_kind(ToDoKind.QUESTIONNAIRE) == []
    [again] = todo_for(patient, at("2026-03-09 12:00")).of_kind(ToDoKind.QUESTIONNAIRE)
    assert again.due_on == datetime.date(2026, 3, 9) and not again.overdue


def test_a_stopped_schedule_asks_nothing(portal_world):
    patient = patient_of(portal_world)
    schedule = schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    stop_schedule(portal_world.lead, schedule, schedule.version)
    assert todo_for(patient, timezone.now()).of_kind(ToDoKind.QUESTIONNAIRE) == []


def test_unread_reading_is_on_the_list_until_read(portal_world, site_tree):
    patient = patient_of(portal_world)
    page = make_article(site_tree.articles, "Pacing on good days")
    assign_reading(portal_world.plan, portal_world.lead, page, notify=False)
    [reading] = todo_for(patient, timezone.now()).of_kind(ToDoKind.READING)
    assert "Pacing on good days" in reading.title
    assert reading.url == reverse("patientportal:reading")
    mark_read_by_patient(portal_world.patient_user, page)
    assert todo_for(patient, timezone.now()).of_kind(ToDoKind.READING) == []


def test_reading_from_a_finished_plan_stays_on_the_reading_list_but_leaves_the_to_do_list(
    portal_world, site_tree
):
    patient = patient_of(portal_world)
    page = make_article(site_tree.articles, "Pacing on good days")
    assign_reading(portal_world.plan, portal_world.lead, page, notify=False)
    set_plan_status(portal_world, CarePlanStatus.ON_HOLD)
    assert len(todo_for(patient, timezone.now()).of_kind(ToDoKind.READING)) == 1

    set_plan_status(portal_world, CarePlanStatus.COMPLETED)

    assert todo_for(patient, timezone.now()).of_kind(ToDoKind.READING) == []
    reading_list = client_for(portal_world.patient_user).get(reverse("patientportal:reading"))
    assert "Pacing on good days" in reading_list.content.decode()


def test_this_weeks_activities_are_the_ongoing_ones_and_those_dated_this_week(portal_world):
    patient = patient_of(portal_world)
    today = patient.today(timezone.now())
    section = portal_world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    this_week = create_activity(
        section,
        portal_world.lead,
        kind=ActivityKind.APPOINTMENT,
        title="Review with Dr Lee",
        scheduled_on=today,
    )
    create_activity(
        section,
        portal_world.lead,
        kind=ActivityKind.APPOINTMENT,
        title="Follow-up next month",
        scheduled_on=today + datetime.timedelta(days=40),
    )
    titles = [item.title for item in todo_for(patient, timezone.now()).of_kind(ToDoKind.ACTIVITY)]
    assert "Review with Dr Lee" in titles and "Follow-up next month" not in titles
    assert "ALEX dead bug core hold" in titles  # an ongoing exercise
    assert not any("HIDDEN" in title or "OTHER" in title for title in titles)
    update_activity(
        this_week, portal_world.lead, this_week.version, status=ActivityStatus.COMPLETED
    )
    titles = [item.title for item in todo_for(patient, timezone.now()).of_kind(ToDoKind.ACTIVITY)]
    assert "Review with Dr Lee" not in titles


def test_a_due_procedure_follow_up_is_on_the_list(portal_world):
    patient = patient_of(portal_world)
    section = portal_world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    injection = create_activity(
        section,
        portal_world.lead,
        kind=ActivityKind.PROCEDURE,
        title="Epidural steroid injection, L4-5",
        procedure="epidural_steroid_injection",
    )
    today = patient.today(timezone.now())
    injection = Activity.objects.get(pk=injection.pk)
    update_activity(
        injection,
        portal_world.lead,
        injection.version,
        status=ActivityStatus.COMPLETED,
        scheduled_on=today,
        done_on=today,
    )
    follow_ups = todo_for(patient, timezone.now()).of_kind(ToDoKind.PROCEDURE_FOLLOW_UP)
    assert follow_ups and follow_ups[0].due_on == today
    assert "injection" in follow_ups[0].title


def test_the_other_patients_items_never_appear(portal_world):
    schedule_questionnaire(portal_world.lead, portal_world.other_plan, "peg")
    todo = todo_for(patient_of(portal_world), timezone.now())
    assert ToDoKind.QUESTIONNAIRE.value not in kinds(todo)
    assert not any("OTHER" in item.title for item in todo.items)


# The page ---------------------------------------------------------------------------------


def test_my_home_is_the_to_do_list_recorded_as_viewed(portal_world):
    schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, "phq9")
    response = client_for(portal_world.patient_user).get(reverse("patientportal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>To do</h1>" in html
    assert reverse("patientportal:questionnaire", kwargs={"code": "phq9"}) in html
    assert f"Fill in “{PHQ9.plain_title}”" in html
    assert reverse("patientportal:check-in") in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED, actor=portal_world.patient_user, detail__what="to-do list"
    ).exists()


def test_the_navigation_shows_to_do_first(portal_world):
    html = client_for(portal_world.patient_user).get(reverse("patientportal:plan")).content.decode()
    to_do = html.index('href="/my/"')
    assert to_do < html.index('href="/my/plan/"')
    assert ">To do<" in html


def test_a_patient_lands_on_the_to_do_list_after_logging_in(portal_world):
    response = client_for(portal_world.patient_user).get(reverse("after-login"))
    assert response["Location"] == reverse("patientportal:home")


def test_providers_are_not_patients_here(portal_world):
    response = client_for(portal_world.lead).get(reverse("patientportal:home"))
    assert response.status_code == 404


def test_the_to_do_list_takes_the_same_queries_however_long_it_is(portal_world, site_tree):
    client = client_for(portal_world.patient_user)
    url = reverse("patientportal:home")
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    section = portal_world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    today = patient_of(portal_world).today(timezone.now())
    for number in range(4):
        create_activity(
            section,
            portal_world.lead,
            kind=ActivityKind.APPOINTMENT,
            title=f"Visit {number}",
            scheduled_on=today,
        )
        page = make_article(site_tree.articles, f"Article {number}")
        assign_reading(portal_world.plan, portal_world.lead, page, notify=False)
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    schedule_questionnaire(portal_world.lead, portal_world.plan, "odi")
    schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, "phq9")
    with CaptureQueriesContext(connection) as long:
        response = client.get(url)
    assert response.content.decode().count('class="card todo-item') > 10
    assert len(short) == len(long) <= MY_HOME_QUERIES, [q["sql"] for q in long]


# Session, user (with profiles and admin access), patient, today's check-in, questionnaires
# due, the current plans and each one's procedure follow-ups (one plan here), unread
# reading, this week's activities, the audit insert.
MY_HOME_QUERIES = 11
