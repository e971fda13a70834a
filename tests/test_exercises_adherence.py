"""Adherence arithmetic (sessions done against prescribed, week by week; partly done
counts half) and the patient's session log behind it."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from exercises.models import ExerciseSession, ProgrammeVersion, SessionEntry
from exercises.services.adherence import EntryRow, VersionRow, weekly_adherence
from exercises.services.errors import ProgrammeError
from exercises.services.sessions import EntryAnswer, adherence_for, log_session
from patientportal.services.errors import PortalAccessDenied
from patientportal.services.submissions import SubmissionConflict
from tests.exercises_fixtures import ProgrammeWorld, prescribe

MONDAY = datetime.date(2026, 11, 2)


def day(offset: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=offset)


def test_a_full_week_counts_every_prescribed_session_and_partly_done_as_half():
    # Two exercises: 1×7 and 2×5 a week = 17 sessions.
    versions = [VersionRow(MONDAY, 17)]
    entries = [EntryRow(day(0), "done", "right")] * 10 + [
        EntryRow(day(1), "partly", "too-hard")
    ] * 4
    entries += [EntryRow(day(2), "not")] * 3
    (week,) = weekly_adherence(versions, entries, today=day(6))
    assert week.start == MONDAY
    assert week.prescribed == Decimal(17)
    assert week.done == Decimal(12)  # 10 + 4 × ½ + 3 × 0
    assert week.percent == 71  # 12 / 17 = 70.6 %
    assert (week.too_easy, week.right, week.too_hard) == (0, 10, 4)


def test_the_first_and_the_current_week_count_only_their_days():
    # Started on a Thursday (4 days of the first week), today is the next Tuesday (2 days).
    versions = [VersionRow(day(3), 7)]
    entries = [EntryRow(day(3), "done"), EntryRow(day(4), "done"), EntryRow(day(8), "done")]
    first, current = weekly_adherence(versions, entries, today=day(8))
    assert (first.start, first.days_counted, first.prescribed) == (MONDAY, 4, Decimal(4))
    assert first.done == 2 and first.percent == 50
    assert (current.start, current.days_counted, current.prescribed) == (day(7), 2, Decimal(2))
    assert current.percent == 50


def test_a_week_is_measured_against_the_version_in_force_at_its_end():
    versions = [VersionRow(MONDAY, 7), VersionRow(day(10), 14)]
    weeks = weekly_adherence(versions, [], today=day(13))
    assert [week.prescribed for week in weeks] == [Decimal(7), Decimal(14)]
    assert [week.percent for week in weeks] == [0, 0]


def test_extra_sessions_stop_at_one_hundred_percent_and_never_carry_over():
    versions = [VersionRow(MONDAY, 3)]
    entries = [EntryRow(day(0), "done")] * 5
    first, second = weekly_adherence(versions, entries, today=day(7))
    assert first.done == 5 and first.percent == 100
    assert second.done == 0 and second.percent == 0


def test_sessions_before_the_programme_or_in_the_future_are_left_out():
    versions = [VersionRow(day(2), 7)]
    entries = [EntryRow(day(0), "done"), EntryRow(day(9), "done"), EntryRow(day(2), "done")]
    (week,) = weekly_adherence(versions, entries, today=day(4))
    assert week.done == 1


def test_no_programme_no_weeks():
    assert weekly_adherence([], [EntryRow(MONDAY, "done")], today=MONDAY) == []


# --- The patient's log, through the service -------------------------------------------------


@pytest.fixture
def logged(programme_world: ProgrammeWorld) -> tuple[ProgrammeWorld, ProgrammeVersion]:
    world = programme_world
    prescribe(world.plan, world.team.physio, world.dead_bug, days_per_week=7)
    version = prescribe(world.plan, world.team.physio, world.bridge, times_per_day=2)
    return world, version


def answers(version: ProgrammeVersion, *completions: str) -> list[EntryAnswer]:
    return [
        EntryAnswer(item.pk, completion, "right" if completion != "not" else "")
        for item, completion in zip(version.items.all(), completions, strict=True)
    ]


@pytest.mark.django_db
def test_the_patient_logs_a_session_and_the_team_sees_adherence(logged):
    world, version = logged
    today = timezone.localdate()
    session = log_session(
        world.portal.patient,
        world.portal.patient_user,
        version,
        performed_on=today,
        entries=answers(version, "done", "partly"),
        pain_during=3,
    )
    assert session.entries.count() == 2
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATED, actor=world.portal.patient_user, care_plan_id=world.plan.pk
    ).exists()
    adherence = adherence_for(world.plan, today)
    current = adherence.weeks[-1]
    assert current.done == Decimal("1.5")
    # 1×7 + 2×7 a week, for the days of this week counted so far.
    expected = (Decimal(21) * current.days_counted / 7).quantize(Decimal("0.1"))
    assert current.prescribed == expected
    assert adherence.pain_during.points[-1].value == 3


@pytest.mark.django_db
def test_the_same_log_sent_twice_is_stored_once(logged):
    world, version = logged
    key = uuid.uuid4()
    kwargs = {
        "performed_on": timezone.localdate(),
        "entries": answers(version, "done", "done"),
        "submission_key": key,
    }
    patient, user = world.portal.patient, world.portal.patient_user
    first = log_session(patient, user, version, **kwargs)
    again = log_session(patient, user, version, **kwargs)
    assert first.pk == again.pk
    assert ExerciseSession.objects.count() == 1
    with pytest.raises(SubmissionConflict):
        log_session(patient, user, version, **{**kwargs, "pain_during": 9})


@pytest.mark.django_db
def test_another_patient_cannot_log_on_this_programme(logged):
    world, version = logged
    other = world.portal.other_plan.patient
    with pytest.raises(PortalAccessDenied):
        log_session(
            other,
            world.portal.other_user,
            version,
            performed_on=timezone.localdate(),
            entries=answers(version, "done", "done"),
        )
    assert not ExerciseSession.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=world.portal.other_user
    ).exists()


@pytest.mark.django_db
def test_every_exercise_must_be_answered_and_the_day_must_be_recent(logged):
    world, version = logged
    patient, user = world.portal.patient, world.portal.patient_user
    with pytest.raises(ProgrammeError):
        log_session(
            patient,
            user,
            version,
            performed_on=timezone.localdate(),
            entries=answers(version, "done", "done")[:1],
        )
    with pytest.raises(ProgrammeError):
        log_session(
            patient,
            user,
            version,
            performed_on=timezone.localdate() - datetime.timedelta(days=30),
            entries=answers(version, "done", "done"),
        )
    assert not SessionEntry.objects.exists()


def test_numbers_read_without_a_needless_decimal():
    (week,) = weekly_adherence(
        [VersionRow(MONDAY, 13)],
        [EntryRow(day(0), "done")] * 9 + [EntryRow(day(1), "partly")] * 2,
        today=day(2),
    )
    assert (week.done_text, week.prescribed_text) == ("10", "5.6")
