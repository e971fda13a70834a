"""What the team's patients have let go by: scheduled questionnaires and procedure
follow-ups past their due date, per plan, for the dashboard (a follow-up only until it
closes: once missed, there is nothing left to chase).

A due date is a calendar date in the patient's time zone, and an item is overdue once the
patient's today is past it. No zone's today is later than the day after the UTC date, nor
earlier than the day before, so one query reads the items due by the UTC date (and not
closed before the day before it) on the user's current plans, each with its plan's title
and its patient's name and zone, and the zone settles each item here. Exact in every zone,
without date arithmetic in SQL, and the query's cost follows the items due, not the
number of plans.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import DateField, QuerySet, Value
from django.utils import timezone

from careteam.models import CarePlan, Patient
from careteam.policy import PlanAction, plans_where

from ..models import ProcedureFollowUp, QuestionnaireSchedule
from ..models.procedure_followups import closed_before, not_closed_on
from .patients import CURRENT_PLAN_STATUSES

QUESTIONNAIRE = "questionnaire"
FOLLOW_UP = "follow-up"


@dataclass(frozen=True)
class OverduePlan:
    """A plan whose patient has overdue items, and how many of each kind."""

    plan: CarePlan
    questionnaires: int
    follow_ups: int

    @property
    def total(self) -> int:
        return self.questionnaires + self.follow_ups


# What each due item is read with: its plan and its patient, as far as the panel shows them.
READ_WITH = (
    "plan__title",
    "plan__patient_id",
    "plan__patient__given_name",
    "plan__patient__family_name",
    "plan__patient__time_zone",
)


# A questionnaire schedule asks until it is stopped: it never closes.
NEVER_CLOSES = Value(None, output_field=DateField())


def _due(items: QuerySet, due_field: str, closes: str | Value, kind: str) -> QuerySet:
    return items.order_by().values_list("plan_id", due_field, closes, Value(kind), *READ_WITH)


def plans_with_overdue(user, *, now: datetime.datetime | None = None) -> list[OverduePlan]:
    """The user's current plans (those they may view) whose patient has overdue
    questionnaires or procedure follow-ups, most overdue first: one query."""
    now = now or timezone.now()
    utc_today = now.astimezone(datetime.UTC).date()
    current = plans_where(user, PlanAction.VIEW).filter(status__in=CURRENT_PLAN_STATUSES)
    schedules = QuestionnaireSchedule.objects.active().filter(
        plan__in=current, next_due_on__lte=utc_today
    )
    follow_ups = ProcedureFollowUp.objects.open().filter(
        not_closed_on(utc_today - datetime.timedelta(days=1)),
        plan__in=current,
        due_on__lte=utc_today,
    )
    # UNION ALL: two items alike (two injections' same-day questions) are two items.
    due = _due(schedules, "next_due_on", NEVER_CLOSES, QUESTIONNAIRE).union(
        _due(follow_ups, "due_on", "closes_on", FOLLOW_UP), all=True
    )
    plans: dict[int, CarePlan] = {}
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for plan_id, due_on, closes_on, kind, title, patient_id, given, family, zone in due:
        if plan_id not in plans:
            patient = Patient(pk=patient_id, given_name=given, family_name=family, time_zone=zone)
            plans[plan_id] = CarePlan(pk=plan_id, title=title, patient=patient)
        today = plans[plan_id].patient.today(now)
        if due_on < today and not closed_before(closes_on, today):
            counts[plan_id][kind] += 1
    overdue = [
        OverduePlan(
            plans[plan_id], questionnaires=kinds[QUESTIONNAIRE], follow_ups=kinds[FOLLOW_UP]
        )
        for plan_id, kinds in counts.items()
    ]
    overdue.sort(key=_most_overdue_first)
    return overdue


def _most_overdue_first(item: OverduePlan) -> tuple:
    patient = item.plan.patient
    return (-item.total, patient.family_name, patient.given_name, item.plan.pk)
