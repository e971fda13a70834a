"""What the team's patients have let go by: scheduled questionnaires and procedure
follow-ups past their due date, per plan, for the dashboard (one query).

A due date is a calendar date in the patient's time zone, and an item is overdue once the
patient's today is past it. Every zone's today is the UTC date, the day before or the day
after, so the query counts, per plan, the items due two or more UTC days ago (overdue
everywhere) and those due yesterday and today by the UTC calendar (overdue or not by the
patient's zone); the patient's zone, read with the plan, settles those two here. One query
however many plans and items, exact in every zone without date arithmetic in SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from careteam.models import CarePlan
from careteam.policy import PlanAction, plans_where

from ..models import ProcedureFollowUp, QuestionnaireSchedule
from .patients import CURRENT_PLAN_STATUSES

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class OverduePlan:
    """A plan whose patient has overdue items, and how many of each kind."""

    plan: CarePlan
    questionnaires: int
    follow_ups: int

    @property
    def total(self) -> int:
        return self.questionnaires + self.follow_ups


def _counted(rows: QuerySet, due_field: str, when: Q) -> Coalesce:
    """The number of ``rows`` of the outer plan whose ``due_field`` matches ``when``."""
    counted = (
        rows.filter(when, plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _bands(prefix: str, rows: QuerySet, due_field: str, utc_today: datetime.date) -> dict:
    """Three counts: due two or more UTC days ago, due yesterday, due today (UTC)."""
    return {
        f"{prefix}_sure": _counted(rows, due_field, Q(**{f"{due_field}__lt": utc_today - DAY})),
        f"{prefix}_yesterday": _counted(rows, due_field, Q(**{due_field: utc_today - DAY})),
        f"{prefix}_today": _counted(rows, due_field, Q(**{due_field: utc_today})),
    }


def _settle(plan: CarePlan, prefix: str, utc_today: datetime.date, patient_today) -> int:
    """How many of the plan's counted items are overdue on the patient's today."""
    count = getattr(plan, f"{prefix}_sure")
    if patient_today >= utc_today:
        count += getattr(plan, f"{prefix}_yesterday")
    if patient_today > utc_today:
        count += getattr(plan, f"{prefix}_today")
    return count


def plans_with_overdue(user, *, now: datetime.datetime | None = None) -> list[OverduePlan]:
    """The user's current plans (those they may view) whose patient has overdue
    questionnaires or procedure follow-ups, most overdue first: one query."""
    now = now or timezone.now()
    utc_today = now.astimezone(datetime.UTC).date()
    schedules = QuestionnaireSchedule.objects.active()
    follow_ups = ProcedureFollowUp.objects.open()
    counts = {
        **_bands("q", schedules, "next_due_on", utc_today),
        **_bands("f", follow_ups, "due_on", utc_today),
    }
    candidates = Q()
    for name in counts:
        candidates |= Q(**{f"{name}__gt": 0})
    plans = (
        plans_where(user, PlanAction.VIEW)
        .filter(status__in=CURRENT_PLAN_STATUSES)
        .select_related("patient")
        .annotate(**counts)
        .filter(candidates)
        .order_by("patient__family_name", "patient__given_name", "pk")
    )
    overdue = []
    for plan in plans:
        patient_today = plan.patient.today(now)
        found = OverduePlan(
            plan,
            questionnaires=_settle(plan, "q", utc_today, patient_today),
            follow_ups=_settle(plan, "f", utc_today, patient_today),
        )
        if found.total:
            overdue.append(found)
    overdue.sort(key=lambda item: -item.total)
    return overdue
