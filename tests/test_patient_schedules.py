"""Questionnaire schedules: who may schedule what (a mental-health instrument only whoever
may read its results), the one write path (re-checked under the lock, versioned, audited),
due dates on the patient's own calendar across time zones and daylight-saving changes,
the team's page, and the dashboard's overdue panel in one query."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from careteam.grants import VIEW
from careteam.models import Patient
from careteam.policy import PlanAction, Rights, refusal
from careteam.services import (
    CareAccessDenied,
    StaleVersionError,
    remove_member,
    update_patient,
)
from patientportal import panels
from patientportal.models import QuestionnaireSchedule
from patientportal.services import schedules
from patientportal.services.overdue import plans_with_overdue
from patientportal.services.questionnaires import record_questionnaire
from patientportal.services.schedules import (
    change_schedule,
    next_due_after,
    schedule_questionnaire,
    stop_schedule,
)
from questionnaires.instruments import GAD7, PEG, PHQ9
from tests.patient_fixtures import move_patient

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
NEW_YORK = "America/New_York"
LONDON = "Europe/London"
AUCKLAND = "Pacific/Auckland"
MEMBER = frozenset({VIEW})


def at(text: str) -> datetime.datetime:
    """An aware UTC moment from "2026-03-08 12:00"."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=UTC)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def answer(world, instrument, when: datetime.datetime, monkeypatch, value: int = 1):
    """The patient answers ``instrument`` at the moment ``when``."""
    monkeypatch.setattr(timezone, "now", lambda: when)
    recorded = record_questionnaire(
        world.plan.patient,
        world.patient_user,
        instrument,
        dict.fromkeys(instrument.item_keys, value),
    )
    monkeypatch.undo()
    return recorded


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Due dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answered_on", "expected"),
    [
        (None, "2026-03-01"),  # never answered: the first day
        ("2026-02-27", "2026-03-01"),  # answered before the schedule began
        ("2026-03-01", "2026-03-15"),  # on the day: the next one
        ("2026-03-14", "2026-03-15"),  # the day before the next
        ("2026-03-15", "2026-03-29"),
        ("2026-04-20", "2026-04-26"),  # late, after missing two: the first one after it
    ],
)
def test_the_next_due_date_is_the_first_occurrence_after_the_latest_answer(answered_on, expected):
    answered = day(answered_on) if answered_on else None
    assert next_due_after(day("2026-03-01"), 14, answered) == day(expected)


# Who may schedule what --------------------------------------------------------------------


def test_a_member_schedules_an_instrument_from_its_own_interval_and_the_patients_today(
    portal_world,
):
    schedule = schedule_questionnaire(portal_world.team.physio, portal_world.plan, "peg")
    today = portal_world.plan.patient.today(timezone.now())
    assert (schedule.every_days, schedule.starts_on, schedule.next_due_on) == (7, today, today)
    assert schedule.created_by == portal_world.team.physio and schedule.version == 1
    [created] = AuditEvent.objects.filter(
        action=AuditAction.CREATED, actor=schedule.created_by, detail__values__instrument="peg"
    )
    assert created.detail["values"]["instrument"] == "peg"
    assert created.care_plan_id == portal_world.plan.pk


@pytest.mark.parametrize("role", ["lead", "physio", "contributor"])
def test_only_a_member_who_may_read_mental_health_results_schedules_a_phq9(portal_world, role):
    member = getattr(portal_world.team, role)
    with pytest.raises(CareAccessDenied) as refused:
        schedule_questionnaire(member, portal_world.plan, "phq9", every_days=14)
    assert refused.value.status_code == 403
    assert str(refused.value) == refusal(PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES)
    assert not QuestionnaireSchedule.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED,
        actor=member,
        detail__permission="schedule_mental_health_questionnaires",
    ).exists()


def test_the_mental_health_member_schedules_the_phq9_and_the_gad7(portal_world):
    mind = portal_world.team.mental_health
    for instrument in (PHQ9, GAD7):
        schedule = schedule_questionnaire(mind, portal_world.plan, instrument.code, every_days=14)
        assert schedule.active and schedule.every_days == 14


def test_someone_off_the_team_is_refused_as_if_the_plan_did_not_exist(portal_world):
    with pytest.raises(CareAccessDenied) as refused:
        schedule_questionnaire(portal_world.team.outsider, portal_world.plan, "peg")
    assert refused.value.status_code == 404
    with pytest.raises(CareAccessDenied) as patient_refused:
        schedule_questionnaire(portal_world.patient_user, portal_world.plan, "no-such-code")
    assert patient_refused.value.status_code == 404


def test_scheduling_is_re_checked_under_the_membership_lock(monkeypatch, portal_world):
    physio = portal_world.team.physio
    remove_member(portal_world.plan, portal_world.lead, physio)
    # The first check passes, as if the removal came just after it: only the lock stands.
    monkeypatch.setattr(schedules, "require", lambda *args, **kwargs: Rights(MEMBER))
    with pytest.raises(CareAccessDenied):
        schedule_questionnaire(physio, portal_world.plan, "peg")
    assert not QuestionnaireSchedule.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=physio, detail__permission="schedule_questionnaires"
    ).exists()


def test_an_instrument_is_scheduled_once_per_plan_and_never_from_a_past_day(portal_world):
    lead, plan = portal_world.lead, portal_world.plan
    schedule_questionnaire(lead, plan, "peg")
    with pytest.raises(ValidationError, match="already scheduled"):
        schedule_questionnaire(lead, plan, "peg")
    yesterday = plan.patient.today(timezone.now()) - datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="before today"):
        schedule_questionnaire(lead, plan, "odi", starts_on=yesterday)
    with pytest.raises(ValidationError):
        schedule_questionnaire(lead, plan, "odi", every_days=0)
    with pytest.raises(ValidationError, match="Choose a questionnaire"):
        schedule_questionnaire(lead, plan, "sf36")


def test_a_change_is_versioned_and_a_stale_one_is_refused(portal_world):
    lead, plan = portal_world.lead, portal_world.plan
    schedule = schedule_questionnaire(lead, plan, "peg")
    later = schedule.starts_on + datetime.timedelta(days=3)
    change_schedule(lead, schedule, 1, every_days=14, starts_on=later)
    schedule.refresh_from_db()
    assert (schedule.every_days, schedule.next_due_on, schedule.version) == (14, later, 2)
    stale = QuestionnaireSchedule.objects.get(pk=schedule.pk)
    stale.version = 1
    with pytest.raises(StaleVersionError):
        change_schedule(portal_world.team.physio, stale, 1, every_days=7, starts_on=later)
    [changed] = AuditEvent.objects.filter(
        action=AuditAction.CHANGED, actor=lead, detail__changes__has_key="every_days"
    )
    assert changed.detail["changes"]["every_days"] == [7, 14]


def test_a_stopped_schedule_is_kept_with_who_stopped_it_and_cannot_be_changed(portal_world):
    lead, plan = portal_world.lead, portal_world.plan
    schedule = schedule_questionnaire(lead, plan, "peg")
    stop_schedule(portal_world.team.contributor, schedule, 1)
    schedule.refresh_from_db()
    assert not schedule.active and schedule.ended_by == portal_world.team.contributor
    with pytest.raises(ValidationError, match="stopped"):
        change_schedule(
            lead, schedule, schedule.version, every_days=7, starts_on=schedule.starts_on
        )
    # Stopped, the instrument can be scheduled again.
    assert schedule_questionnaire(lead, plan, "peg").active


def test_only_whoever_may_schedule_a_phq9_may_stop_it(portal_world):
    schedule = schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, "phq9")
    with pytest.raises(CareAccessDenied):
        stop_schedule(portal_world.lead, schedule, schedule.version)
    schedule.refresh_from_db()
    assert schedule.active


# Time zones and daylight saving -----------------------------------------------------------


def test_an_answer_at_half_past_eleven_at_night_counts_for_that_local_day_in_new_york(
    portal_world, monkeypatch
):
    """8 March 2026: New York's clocks go forward. 23:30 there is 03:30 UTC the next day."""
    move_patient(portal_world, NEW_YORK)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01 15:00"))
    schedule = schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    monkeypatch.undo()
    assert schedule.next_due_on == day("2026-03-01")
    answer(portal_world, PEG, at("2026-03-02 04:30"), monkeypatch)  # 1 March, 23:30 EST
    schedule.refresh_from_db()
    assert schedule.next_due_on == day("2026-03-08")
    answer(portal_world, PEG, at("2026-03-09 03:30"), monkeypatch)  # 8 March, 23:30 EDT
    schedule.refresh_from_db()
    assert schedule.next_due_on == day("2026-03-15")


def test_an_answer_the_evening_before_the_due_day_does_not_count_for_it(portal_world, monkeypatch):
    move_patient(portal_world, NEW_YORK)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01 15:00"))
    schedule = schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    monkeypatch.undo()
    answer(portal_world, PEG, at("2026-03-02 04:30"), monkeypatch)  # 1 March local
    answer(portal_world, PEG, at("2026-03-08 03:30"), monkeypatch)  # 7 March, 22:30 EST
    schedule.refresh_from_db()
    assert schedule.next_due_on == day("2026-03-08")


def test_london_around_the_march_and_october_changes(portal_world, monkeypatch):
    """29 March 2026 the clocks go forward, 25 October back: 23:30 BST is 22:30 UTC the same
    day, 00:30 GMT after the change is the next day."""
    move_patient(portal_world, LONDON)
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-22 09:00"))
    schedule = schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    monkeypatch.undo()
    answer(portal_world, PEG, at("2026-03-29 22:30"), monkeypatch)  # 29 March, 23:30 BST
    schedule.refresh_from_db()
    assert schedule.next_due_on == day("2026-04-05")
    assert next_due_after(schedule.starts_on, 7, day("2026-10-25")) == day("2026-11-01")
    answer(portal_world, PEG, at("2026-10-25 23:30"), monkeypatch)  # 25 October, 23:30 GMT
    schedule.refresh_from_db()
    assert schedule.next_due_on == day("2026-11-01")


def test_today_is_the_patients_own_day_on_both_sides_of_the_november_change(portal_world):
    patient = move_patient(portal_world, NEW_YORK)
    # 1 November 2026, 01:30 EDT, then 01:30 EST an hour later: still 1 November.
    assert patient.today(at("2026-11-01 05:30")) == day("2026-11-01")
    assert patient.today(at("2026-11-01 06:30")) == day("2026-11-01")
    # 2 November 03:00 UTC is still 1 November in New York, 2 November in London.
    assert patient.today(at("2026-11-02 03:00")) == day("2026-11-01")
    patient.time_zone = LONDON
    assert patient.today(at("2026-11-02 03:00")) == day("2026-11-02")


def test_a_time_zone_must_be_one_zoneinfo_knows(portal_world):
    patient = Patient.objects.get(pk=portal_world.plan.patient_id)
    with pytest.raises(ValidationError, match="time zone"):
        update_patient(
            patient,
            portal_world.lead,
            patient.version,
            plan=portal_world.plan,
            time_zone="Mars/Base",
        )
    with pytest.raises(ValidationError):
        update_patient(
            patient,
            portal_world.lead,
            patient.version,
            plan=portal_world.plan,
            time_zone="../../etc/passwd",
        )


# The dashboard's overdue panel ------------------------------------------------------------


def test_overdue_is_decided_on_each_patients_calendar_in_one_query(portal_world, monkeypatch):
    """At 02:00 UTC on 9 March, New York is still on 8 March and London on 9 March: a
    questionnaire due on 8 March is overdue for the Londoner only."""
    mind = portal_world.team.mental_health
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01 12:00"))
    move_patient(portal_world, NEW_YORK)
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg", starts_on=day("2026-03-08"))
    other = portal_world.other_plan
    schedule_questionnaire(mind, other, "phq9", starts_on=day("2026-03-08"))
    monkeypatch.undo()
    other_patient = Patient.objects.get(pk=other.patient_id)
    update_patient(
        other_patient, portal_world.lead, other_patient.version, plan=other, time_zone=LONDON
    )
    with CaptureQueriesContext(connection) as queries:
        overdue = plans_with_overdue(portal_world.lead, now=at("2026-03-09 02:00"))
    assert len(queries) == 1
    assert [(item.plan.pk, item.questionnaires) for item in overdue] == [(other.pk, 1)]
    # Later that day New York reaches 9 March too.
    later = plans_with_overdue(portal_world.lead, now=at("2026-03-09 05:00"))
    assert {item.plan.pk for item in later} == {other.pk, portal_world.plan.pk}


def test_a_patient_ahead_of_utc_is_overdue_a_day_sooner(portal_world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01 12:00"))
    move_patient(portal_world, AUCKLAND)
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg", starts_on=day("2026-03-09"))
    monkeypatch.undo()
    # 12:00 UTC on 9 March is 01:00 on 10 March in Auckland (NZDT, UTC+13).
    [item] = plans_with_overdue(portal_world.lead, now=at("2026-03-09 12:00"))
    assert item.questionnaires == 1
    assert plans_with_overdue(portal_world.lead, now=at("2026-03-09 10:00")) == []


def test_the_dashboard_lists_overdue_patients_for_their_team_only(portal_world, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at("2026-03-01 12:00"))
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    monkeypatch.undo()
    html = client_for(portal_world.lead).get(reverse("careteam:dashboard")).content.decode()
    assert "Overdue for patients (1)" in html
    assert "1 questionnaire" in html
    outsider = client_for(portal_world.team.outsider).get(reverse("careteam:dashboard"))
    assert "Overdue for patients" not in outsider.content.decode()


# The team's page --------------------------------------------------------------------------


def schedules_url(world) -> str:
    return reverse("patientportal_team:questionnaire-schedules", args=[world.plan.pk])


def test_the_team_page_lists_schedules_and_masks_mental_health_totals(portal_world, monkeypatch):
    mind = portal_world.team.mental_health
    schedule_questionnaire(mind, portal_world.plan, "phq9")
    schedule_questionnaire(portal_world.lead, portal_world.plan, "peg")
    answer(portal_world, PHQ9, timezone.now(), monkeypatch, value=2)  # 18: moderately severe
    answer(portal_world, PEG, timezone.now(), monkeypatch, value=4)
    lead_page = client_for(portal_world.lead).get(schedules_url(portal_world))
    html = lead_page.content.decode()
    assert lead_page.status_code == 200
    assert PHQ9.title in html and PEG.title in html
    assert "18 (" not in html and "Moderately severe" in html
    assert "4 (" in html or ": 4" in html
    assert 'value="phq9"' not in html  # not offered to the lead
    mind_html = client_for(mind).get(schedules_url(portal_world)).content.decode()
    assert "18" in mind_html and 'value="phq9"' in mind_html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED, actor=portal_world.lead, detail__what="questionnaire schedules"
    ).exists()


def test_the_team_page_adds_changes_and_stops_a_schedule(portal_world):
    client = client_for(portal_world.team.physio)
    today = portal_world.plan.patient.today(timezone.now())
    response = client.post(
        schedules_url(portal_world),
        {"instrument": "psfs", "every_days": "", "starts_on": today.isoformat()},
    )
    assert response.status_code == 302
    schedule = QuestionnaireSchedule.objects.get(instrument="psfs")
    assert schedule.every_days == 14
    url = reverse(
        "patientportal_team:questionnaire-schedule", args=[portal_world.plan.pk, schedule.pk]
    )
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"every_days": "21", "starts_on": today.isoformat(), "version": "1"}
    )
    assert response.status_code == 302
    stale = client.post(url, {"every_days": "7", "starts_on": today.isoformat(), "version": "1"})
    assert stale.status_code == 409
    stop_url = reverse(
        "patientportal_team:questionnaire-schedule-stop", args=[portal_world.plan.pk, schedule.pk]
    )
    assert client.post(stop_url, {"version": "2"}).status_code == 302
    schedule.refresh_from_db()
    assert (schedule.every_days, schedule.active) == (21, False)


def test_bad_input_gets_a_message_and_a_400(portal_world):
    client = client_for(portal_world.lead)
    for data in (
        {"instrument": "peg", "every_days": "0", "starts_on": "2099-01-01"},
        {"instrument": "peg", "every_days": "x", "starts_on": "soon"},
        {"instrument": "nope", "every_days": "7", "starts_on": "2099-01-01"},
        {"instrument": "peg", "every_days": "7", "starts_on": "2000-01-01"},
    ):
        response = client.post(schedules_url(portal_world), data)
        assert response.status_code == 400, data
    assert not QuestionnaireSchedule.objects.exists()


def test_a_phq9_posted_by_the_physio_is_refused_with_the_policy_sentence_and_audited(
    portal_world,
):
    response = client_for(portal_world.team.physio).post(
        schedules_url(portal_world),
        {"instrument": "phq9", "every_days": "14", "starts_on": "2099-01-01"},
    )
    assert response.status_code == 403
    assert not QuestionnaireSchedule.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED,
        actor=portal_world.team.physio,
        detail__permission="schedule_mental_health_questionnaires",
    ).exists()


def test_another_plans_schedule_is_404_under_this_plan(portal_world):
    other = schedule_questionnaire(portal_world.lead, portal_world.other_plan, "peg")
    url = reverse(
        "patientportal_team:questionnaire-schedule", args=[portal_world.plan.pk, other.pk]
    )
    assert client_for(portal_world.lead).get(url).status_code == 404


def test_the_team_page_takes_the_same_queries_for_one_schedule_or_five(portal_world, monkeypatch):
    client = client_for(portal_world.team.mental_health)
    schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, "peg")
    client.get(schedules_url(portal_world))
    with CaptureQueriesContext(connection) as one:
        assert client.get(schedules_url(portal_world)).status_code == 200
    for code in ("phq9", "gad7", "psfs", "odi"):
        schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, code)
    answer(portal_world, PEG, timezone.now(), monkeypatch)
    answer(portal_world, PHQ9, timezone.now(), monkeypatch)
    with CaptureQueriesContext(connection) as five:
        assert client.get(schedules_url(portal_world)).status_code == 200
    assert len(one) == len(five)


def test_the_overdue_panel_costs_the_dashboard_one_query(portal_world, monkeypatch):
    client = client_for(portal_world.lead)
    url = reverse("careteam:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as with_panel:
        client.get(url)
    monkeypatch.setattr(panels, "plans_with_overdue", lambda user: [])
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    assert len(with_panel) == len(without) + 1


def test_the_lead_cannot_open_the_phq9_schedules_form_and_the_refusal_is_audited(portal_world):
    schedule = schedule_questionnaire(portal_world.team.mental_health, portal_world.plan, "phq9")
    url = reverse(
        "patientportal_team:questionnaire-schedule", args=[portal_world.plan.pk, schedule.pk]
    )
    response = client_for(portal_world.lead).get(url)
    assert response.status_code == 403
    stop_url = reverse(
        "patientportal_team:questionnaire-schedule-stop", args=[portal_world.plan.pk, schedule.pk]
    )
    assert client_for(portal_world.lead).post(stop_url, {"version": "1"}).status_code == 403
    schedule.refresh_from_db()
    assert schedule.active
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.DENIED,
            actor=portal_world.lead,
            detail__permission="schedule_mental_health_questionnaires",
        ).count()
        == 2
    )
