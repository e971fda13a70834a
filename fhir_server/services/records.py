"""The parts of the plans a reader may see, loaded for many plans at once (one query each).

A patient sees what /my/ shows (``Goal.objects.shown_to_patient()``,
``Activity.objects.shown_to_patient()``, the active team); the team sees every goal and
activity. Precautions are everyone's. (Patient reports: ``report_resources``.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db.models import QuerySet

from api.services.readers import Reader
from careteam.models import Activity, CarePlan, CareTeamMembership, Goal, Precaution

T = TypeVar("T")
SECTION_ORDER = ("section__plan_id", "section__sort_order", "sort_order", "pk")


def goals(reader: Reader, plans: QuerySet[CarePlan]) -> QuerySet[Goal]:
    rows = Goal.objects.shown_to_patient() if reader.is_patient else Goal.objects.all()
    return (
        rows.filter(section__plan__in=plans.values("pk"))
        .select_related("section__plan")
        .order_by(*SECTION_ORDER)
    )


def activities(reader: Reader, plans: QuerySet[CarePlan]) -> QuerySet[Activity]:
    rows = Activity.objects.shown_to_patient() if reader.is_patient else Activity.objects.all()
    return (
        rows.filter(section__plan__in=plans.values("pk"))
        .select_related("section")
        .order_by(*SECTION_ORDER)
    )


def precautions(plans: QuerySet[CarePlan]) -> QuerySet[Precaution]:
    return Precaution.objects.filter(plan__in=plans.values("pk")).order_by(
        "plan_id", "sort_order", "pk"
    )


def team(plans: QuerySet[CarePlan]) -> QuerySet[CareTeamMembership]:
    """Who is on the plans' teams now (those who left are not)."""
    return (
        CareTeamMembership.objects.active()
        .filter(plan__in=plans.values("pk"))
        .select_related("user__provider_profile")
        .order_by("plan_id", "joined_at", "pk")
    )


def by_plan(rows: Iterable[T], plan_id_of: Callable[[T], int]) -> dict[int, list[T]]:
    """Rows grouped by the plan each belongs to."""
    grouped: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        grouped[plan_id_of(row)].append(row)
    return grouped
