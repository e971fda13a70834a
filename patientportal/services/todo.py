"""The patient's to-do list (``/my/``, and what the daily reminder counts): today's check-in,
questionnaires due, procedure follow-ups due, unread reading and this week's activities.

"Today" and "this week" are the patient's, in their time zone (``Patient.time_zone``)::

    todo = todo_for(patient, timezone.now())
    for item in todo.items: item.kind, item.title, item.url, item.due_on, item.overdue

Only a current plan (``current_plans_for_patient``) asks for anything: once discharged,
the list (and so the daily reminder) no longer asks for a check-in every day, nor for the
reading, questionnaires and activities of the finished plan.

A fixed number of queries however long the list: one for the current plans, one for
today's check-in (none without a current plan), one for the questionnaires due, one for
the reading, one for the activities, and one for each current plan's procedure follow-ups
(``due_follow_ups``). Titles are in plain words and name no result or score (the
reminder's email counts the items only).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Q
from django.urls import reverse

from careteam.models import (
    FINISHED_ACTIVITY_STATUSES,
    Activity,
    ActivityStatus,
    CarePlan,
    Patient,
)
from questionnaires.instruments import INSTRUMENTS

from ..models import CheckIn, QuestionnaireSchedule, ReadingAssignment
from .patients import (
    CURRENT_PLAN_STATUSES,
    current_plans_for_patient,
)
from .plan_view import SCHEDULED_KINDS
from .procedure_followups import due_follow_ups


class ToDoKind(StrEnum):
    """What an item asks of the patient, in the order the list shows them."""

    CHECK_IN = "check_in"
    QUESTIONNAIRE = "questionnaire"
    PROCEDURE_FOLLOW_UP = "procedure_follow_up"
    READING = "reading"
    ACTIVITY = "activity"


KIND_ORDER = {kind: number for number, kind in enumerate(ToDoKind)}


@dataclass(frozen=True)
class ToDoItem:
    kind: ToDoKind
    title: str
    url: str
    due_on: datetime.date | None
    overdue: bool = False
    # The last day it can be done, for what closes (a procedure follow-up).
    answer_by: datetime.date | None = None


@dataclass(frozen=True)
class ToDo:
    """The patient's list on ``today`` (their calendar date)."""

    today: datetime.date
    items: list[ToDoItem] = field(default_factory=list)

    @property
    def overdue(self) -> list[ToDoItem]:
        return [item for item in self.items if item.overdue]

    def of_kind(self, kind: ToDoKind) -> list[ToDoItem]:
        return [item for item in self.items if item.kind == kind]


def local_midnight(patient: Patient, day: datetime.date) -> datetime.datetime:
    """The moment ``day`` begins in the patient's time zone (aware)."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=patient.zone)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of ``day``'s week."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def check_in_item(
    patient: Patient, today: datetime.date, current_plans: Sequence[CarePlan]
) -> list[ToDoItem]:
    """Today's check-in, while the patient has a current plan (``current_plans``, as
    ``current_plans_for_patient`` reads them) and unless they have checked in since their
    midnight."""
    if not current_plans:
        return []
    start = local_midnight(patient, today)
    end = local_midnight(patient, today + datetime.timedelta(days=1))
    if CheckIn.objects.filter(
        patient=patient, recorded_at__gte=start, recorded_at__lt=end
    ).exists():
        return []
    return [
        ToDoItem(
            ToDoKind.CHECK_IN,
            "Check in: how is your pain today?",
            reverse("patientportal:check-in"),
            today,
        )
    ]


def questionnaire_items(patient: Patient, today: datetime.date) -> list[ToDoItem]:
    """Each questionnaire due on or before today on a current plan, once (the earliest
    due date when two plans ask for the same one)."""
    due = (
        QuestionnaireSchedule.objects.active()
        .filter(
            plan__patient=patient,
            plan__status__in=CURRENT_PLAN_STATUSES,
            next_due_on__lte=today,
        )
        .order_by("next_due_on", "instrument", "pk")
        .values_list("instrument", "next_due_on")
    )
    items: dict[str, ToDoItem] = {}
    for code, due_on in due:
        instrument = INSTRUMENTS.get(code)
        if instrument is None or code in items:
            continue
        items[code] = ToDoItem(
            ToDoKind.QUESTIONNAIRE,
            f"Fill in “{instrument.plain_title}”",
            reverse("patientportal:questionnaire", kwargs={"code": code}),
            due_on,
            overdue=due_on < today,
        )
    return list(items.values())


def follow_up_items(current_plans: Sequence[CarePlan], today: datetime.date) -> list[ToDoItem]:
    """Procedure follow-ups due on the patient's current plans (``current_plans``)."""
    items = []
    for plan in current_plans:
        for follow_up in due_follow_ups(plan, today):
            items.append(
                ToDoItem(
                    ToDoKind.PROCEDURE_FOLLOW_UP,
                    f"Tell us how the {follow_up.procedure_label.lower()} helped",
                    follow_up.url,
                    follow_up.due_on,
                    overdue=follow_up.overdue,
                    answer_by=follow_up.closes_on,
                )
            )
    return items


def reading_items(patient: Patient, today: datetime.date) -> list[ToDoItem]:
    """Reading assigned on a current plan and not read yet (soonest due first). Reading
    from a finished plan stays on the reading list, but no longer asks to be done."""
    unread = (
        ReadingAssignment.objects.filter(
            plan__patient=patient,
            plan__status__in=CURRENT_PLAN_STATUSES,
            read_at__isnull=True,
        )
        .order_by("due_date", "-assigned_at", "-pk")
        .values_list("page_title", "due_date")
    )
    url = reverse("patientportal:reading")
    return [
        ToDoItem(
            ToDoKind.READING,
            f"Read “{title}”",
            url,
            due_date,
            overdue=due_date is not None and due_date < today,
        )
        for title, due_date in unread
    ]


def activity_items(patient: Patient, today: datetime.date) -> list[ToDoItem]:
    """This week's activities on the patient's current plans, as their plan page lists
    them under "What to do this week": the ongoing ones (exercises, coping strategies,
    reading from the team; not finished, not on hold) and anything dated this week, Monday
    to Sunday, not finished (a procedure, an appointment). The team marks them done, so
    none is ever overdue here."""
    monday, sunday = week_of(today)
    ongoing = Q(scheduled_on__isnull=True) & ~Q(kind__in=SCHEDULED_KINDS)
    this_week = Q(scheduled_on__gte=monday, scheduled_on__lte=sunday)
    planned = (
        Activity.objects.shown_to_patient()
        .filter(
            ongoing | this_week,
            section__plan__patient=patient,
            section__plan__status__in=CURRENT_PLAN_STATUSES,
            do_not_perform=False,
        )
        .exclude(status__in=(*FINISHED_ACTIVITY_STATUSES, ActivityStatus.ON_HOLD))
        .order_by("section__plan_id", "section__sort_order", "sort_order", "pk")
        .values_list("title", "scheduled_on")
    )
    url = reverse("patientportal:plan") + "#week-heading"
    return [
        ToDoItem(ToDoKind.ACTIVITY, title, url, scheduled_on) for title, scheduled_on in planned
    ]


def todo_for(patient: Patient, now: datetime.datetime) -> ToDo:
    """What the patient has to do at ``now``: overdue items first, then by kind (check-in,
    questionnaires, follow-ups, reading, activities), then by due date."""
    today = patient.today(now)
    current_plans = list(current_plans_for_patient(patient))
    items = [
        *check_in_item(patient, today, current_plans),
        *questionnaire_items(patient, today),
        *follow_up_items(current_plans, today),
        *reading_items(patient, today),
        *activity_items(patient, today),
    ]
    items.sort(
        key=lambda item: (
            not item.overdue,
            KIND_ORDER[item.kind],
            item.due_on or datetime.date.max,
        )
    )
    return ToDo(today=today, items=items)
