"""Questionnaire schedules: the team asks the patient to answer an instrument every so many
days (``QuestionnaireSchedule``), and what is due when.

Due dates are calendar dates in the patient's time zone (``Patient.time_zone``): an
occurrence is due on ``starts_on + k * every_days`` and is done by a result recorded on or
after that day there (a result at 23:30 their time counts for that day). ``next_due_on`` is
the first occurrence not done yet; ``record_questionnaire`` moves it on in the transaction
that stores the result (``advance_schedules``).

Writes go through careteam's one path: the policy asked first (``require``) and again with
the actor's membership row locked, the version checked, audited in the same transaction.
Any member schedules; a mental-health instrument (PHQ-9, GAD-7) only a member who may
read its results (``careteam.policy.schedule_questionnaire_action``)::

    schedule = schedule_questionnaire(lead, plan, "peg", every_days=7)
    change_schedule(lead, schedule, schedule.version, every_days=14, starts_on=day)
    stop_schedule(lead, schedule, schedule.version)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from careteam.models import CarePlan, Patient
from careteam.policy import PlanAction, schedule_questionnaire_action
from careteam.services import create_audited, deny, require, update_versioned
from questionnaires.instruments import INSTRUMENTS, Instrument

from ..models import QuestionnaireResult, QuestionnaireSchedule

SCHEDULE_FIELDS = ("instrument", "every_days", "starts_on", "next_due_on")
CHANGEABLE_FIELDS = ("every_days", "starts_on", "next_due_on")
STOP_FIELDS = ("active", "ended_at", "ended_by")

UNKNOWN_INSTRUMENT = "Choose a questionnaire from the list."
ALREADY_SCHEDULED = (
    "This questionnaire is already scheduled on this plan. Change that schedule instead."
)
STARTS_IN_THE_PAST = "The first day cannot be before today on the patient's calendar."
STOPPED = "This schedule was stopped. Schedule the questionnaire again instead."


def local_date(moment: datetime.datetime, patient: Patient) -> datetime.date:
    """The calendar date of ``moment`` in the patient's time zone."""
    return patient.today(moment)


def next_due_after(
    starts_on: datetime.date, every_days: int, answered_on: datetime.date | None
) -> datetime.date:
    """The first occurrence (``starts_on + k * every_days``) not done by a result answered
    on ``answered_on`` (the patient's latest, as a date in their zone): every occurrence
    on or before that day is done, so the first one after it; ``starts_on`` without one."""
    if answered_on is None or answered_on < starts_on:
        return starts_on
    done = (answered_on - starts_on).days // every_days + 1
    return starts_on + datetime.timedelta(days=done * every_days)


def latest_answered_on(patient: Patient, code: str) -> datetime.date | None:
    """The day (in the patient's zone) of their latest result of ``code`` (one query)."""
    latest = (
        QuestionnaireResult.objects.filter(patient=patient, instrument=code)
        .order_by("-completed_at", "-pk")
        .values_list("completed_at", flat=True)
        .first()
    )
    return None if latest is None else local_date(latest, patient)


def advance_schedules(
    patient: Patient, code: str, completed_at: datetime.datetime
) -> list[QuestionnaireSchedule]:
    """Move on the patient's active schedules of ``code`` that a result completed at
    ``completed_at`` does: call it in the transaction that stores the result. Returns the
    schedules moved (one query when none is due, one UPDATE more for each)."""
    answered_on = local_date(completed_at, patient)
    due = (
        QuestionnaireSchedule.objects.active()
        .filter(plan__patient=patient, instrument=code, next_due_on__lte=answered_on)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    moved = []
    for schedule in due:
        schedule.next_due_on = next_due_after(schedule.starts_on, schedule.every_days, answered_on)
        QuestionnaireSchedule.objects.filter(pk=schedule.pk).update(
            next_due_on=schedule.next_due_on
        )
        moved.append(schedule)
    return moved


def _instrument(code: str) -> Instrument:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise ValidationError({"instrument": UNKNOWN_INSTRUMENT})
    return instrument


def _require_scheduling(actor: User, plan: CarePlan, instrument: Instrument) -> PlanAction:
    """Refuse (recorded) unless the actor may schedule this instrument on ``plan``; the
    action to re-check under the lock. Asked before anything is validated."""
    rights = require(actor, PlanAction.SCHEDULE_QUESTIONNAIRES, plan)
    action = schedule_questionnaire_action(instrument.sensitive)
    if not rights.allows_on(plan, action):
        raise deny(actor, action, plan=plan, hide_existence=not rights.can_view)
    return action


def schedule_questionnaire(
    actor: User,
    plan: CarePlan,
    code: str,
    every_days: int | None = None,
    starts_on: datetime.date | None = None,
    *,
    now: datetime.datetime | None = None,
) -> QuestionnaireSchedule:
    """Ask the plan's patient to answer ``code`` every ``every_days`` days (the
    instrument's own interval if None) from ``starts_on`` (the patient's today if None).
    Raises ``CareAccessDenied`` (recorded) for someone who may not, ``ValidationError``
    for bad values or an instrument already scheduled on the plan."""
    if code not in INSTRUMENTS:
        require(actor, PlanAction.SCHEDULE_QUESTIONNAIRES, plan)
    instrument = _instrument(code)
    action = _require_scheduling(actor, plan, instrument)
    patient = plan.patient
    today = patient.today(now or timezone.now())
    starts_on = starts_on or today
    if starts_on < today:
        raise ValidationError({"starts_on": STARTS_IN_THE_PAST})
    every_days = instrument.interval_days if every_days is None else every_days
    if QuestionnaireSchedule.objects.active().filter(plan=plan, instrument=code).exists():
        raise ValidationError({"instrument": ALREADY_SCHEDULED})
    schedule = QuestionnaireSchedule(
        plan=plan,
        instrument=code,
        every_days=every_days,
        starts_on=starts_on,
        next_due_on=next_due_after(starts_on, every_days, latest_answered_on(patient, code)),
        created_by=actor,
        updated_by=actor,
    )
    try:
        return create_audited(schedule, actor, plan, SCHEDULE_FIELDS, action=action)
    except IntegrityError as error:  # the same instrument scheduled by someone meanwhile
        raise ValidationError({"instrument": ALREADY_SCHEDULED}) from error


def change_schedule(
    actor: User,
    schedule: QuestionnaireSchedule,
    expected_version: int,
    *,
    every_days: int,
    starts_on: datetime.date,
    now: datetime.datetime | None = None,
) -> dict[str, list]:
    """Change how often, or from when, an active schedule asks; its next due date follows
    from the patient's latest result. ``StaleVersionError`` if it changed since
    ``expected_version``; a new first day may not be in the patient's past."""
    plan = schedule.plan
    action = _require_scheduling(actor, plan, _instrument(schedule.instrument))
    if not schedule.active:
        raise ValidationError(STOPPED)
    patient = plan.patient
    if starts_on != schedule.starts_on and starts_on < patient.today(now or timezone.now()):
        raise ValidationError({"starts_on": STARTS_IN_THE_PAST})
    answered_on = latest_answered_on(patient, schedule.instrument)
    changes = {
        "every_days": every_days,
        "starts_on": starts_on,
        "next_due_on": next_due_after(starts_on, every_days, answered_on),
    }
    return update_versioned(
        schedule, actor, plan, expected_version, changes, editable=CHANGEABLE_FIELDS, action=action
    )


def stop_schedule(
    actor: User,
    schedule: QuestionnaireSchedule,
    expected_version: int,
    *,
    now: datetime.datetime | None = None,
) -> None:
    """Stop asking (the schedule is kept, marked stopped, with who and when)."""
    plan = schedule.plan
    action = _require_scheduling(actor, plan, _instrument(schedule.instrument))
    if not schedule.active:
        raise ValidationError(STOPPED)
    changes = {"active": False, "ended_at": now or timezone.now(), "ended_by": actor}
    update_versioned(
        schedule, actor, plan, expected_version, changes, editable=STOP_FIELDS, action=action
    )


@dataclass(frozen=True)
class ScheduleRow:
    """A schedule as the team's page lists it: when it is next due on the patient's
    calendar, and the latest result shared with the plan (its total only for a reader who
    may see it: ``shows_total``)."""

    schedule: QuestionnaireSchedule
    instrument: Instrument
    today: datetime.date
    latest_at: datetime.datetime | None
    latest_band: str
    latest_total: Decimal | None
    shows_total: bool
    may_change: bool

    @property
    def overdue(self) -> bool:
        return self.schedule.active and self.schedule.next_due_on < self.today

    @property
    def due(self) -> bool:
        return self.schedule.active and self.schedule.next_due_on <= self.today

    @property
    def latest_score(self) -> int | Decimal | None:
        total = self.latest_total
        if total is None:
            return None
        return int(total) if total == total.to_integral_value() else total


def schedules_for_plan(plan: CarePlan) -> QuerySet[QuestionnaireSchedule]:
    """The plan's schedules, active first, each with the latest result shared with the
    plan (its time, band and total): one query."""
    latest = QuestionnaireResult.objects.filter(
        plans=OuterRef("plan"), instrument=OuterRef("instrument")
    ).order_by("-completed_at", "-pk")
    return (
        QuestionnaireSchedule.objects.filter(plan=plan)
        .select_related("created_by", "ended_by")
        .annotate(
            latest_at=Subquery(latest.values("completed_at")[:1]),
            latest_band=Subquery(latest.values("band")[:1]),
            latest_total=Subquery(latest.values("total")[:1]),
        )
        .order_by("-active", "next_due_on", "instrument", "-pk")
    )


def schedule_rows(
    plan: CarePlan,
    *,
    shows_totals: bool,
    may_schedule: frozenset[PlanAction],
    now: datetime.datetime | None = None,
) -> list[ScheduleRow]:
    """The plan's schedules as the team's page lists them. ``shows_totals``: whether the
    reader may see mental-health totals; ``may_schedule``: the scheduling actions the
    reader's rights allow (their forms are offered only where it holds)."""
    today = plan.patient.today(now or timezone.now())
    rows = []
    for schedule in schedules_for_plan(plan):
        instrument = INSTRUMENTS.get(schedule.instrument)
        if instrument is None:
            continue
        rows.append(
            ScheduleRow(
                schedule=schedule,
                instrument=instrument,
                today=today,
                # Annotations of ``schedules_for_plan``.
                latest_at=getattr(schedule, "latest_at", None),
                latest_band=getattr(schedule, "latest_band", None) or "",
                latest_total=getattr(schedule, "latest_total", None),
                shows_total=shows_totals or not instrument.sensitive,
                may_change=schedule.active
                and schedule_questionnaire_action(instrument.sensitive) in may_schedule,
            )
        )
    return rows
