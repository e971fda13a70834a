"""The plan page's goal and activity tables, whose rows are read only when drawn.

Each section's tables are kept drawn (``{% cache %}`` in ``plan_detail.html``) under a key
of what they show: the section's goals and activities summed up in one aggregate query for
every section (how many, their ids, versions and latest change), with the reader's right to
edit and the day. Every write goes through the services, which raise the version and the
time, so an edit, an addition or a removal changes the key; the time also tells apart a row
that reuses a deleted one's id (SQLite, a restored backup). The rows themselves (two
queries, for every section at once) are read only when a section's tables are drawn again.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.db.models import Count, Max, Model, QuerySet, Sum, Value

from careteam.models import Activity, CarePlan, Goal, PlanSection
from careteam.policy import PlanAction
from core.compiled_sql import CompiledRows

from .authorization import PlanAccess

Row = TypeVar("Row", Goal, Activity)
IN_ORDER = ("sort_order", "pk")


class SectionRows:
    """Every section's goals and activities, read together the first time one is asked for."""

    def __init__(self, plan: CarePlan) -> None:
        self._plan = plan

    @cached_property
    def goals(self) -> dict[int, list[Goal]]:
        return _by_section(Goal.objects.filter(section__plan=self._plan).order_by(*IN_ORDER))

    @cached_property
    def activities(self) -> dict[int, list[Activity]]:
        return _by_section(Activity.objects.filter(section__plan=self._plan).order_by(*IN_ORDER))


@dataclass(frozen=True)
class SectionTables:
    """One section's goals and activities, for its tables."""

    rows: SectionRows
    section_id: int

    @property
    def goals(self) -> list[Goal]:
        return self.rows.goals.get(self.section_id, [])

    @property
    def activities(self) -> list[Activity]:
        return self.rows.activities.get(self.section_id, [])


def plan_sections(access: PlanAccess) -> list[PlanSection]:
    """The plan's sections, each marked with whether the reader may edit it, its anchor,
    ``contents_key`` (what its tables show) and ``tables`` (their rows, read when drawn)."""
    plan = access.plan
    sections = _SECTIONS.rows(plan.pk)
    rows = SectionRows(plan)
    keys = _contents_keys(plan)
    for section in sections:
        section.plan = plan
        section.editable = access.allows(PlanAction.EDIT_SECTION, section)
        section.anchor = f"section-{section.pk}"
        section.contents_key = keys.get(section.pk, "empty")
        section.tables = SectionTables(rows, section.pk)
    return sections


def _summary(model: type[Model], kind: str, plan_id: int) -> QuerySet:
    return (
        model._default_manager.filter(section__plan_id=plan_id)
        .order_by()
        .values("section_id")
        .annotate(
            kind=Value(kind),
            rows=Count("pk"),
            ids=Sum("pk"),
            last_id=Max("pk"),
            versions=Sum("version"),
            changed=Max("updated_at"),
        )
    )


def _contents_keys(plan: CarePlan) -> dict[int, str]:
    """Each section's key: a digest of its goals' and activities' summaries (one query)."""
    summaries: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _SUMMARIES.rows(plan.pk):
        summaries[row["section_id"]].append(tuple(sorted(row.items())))
    return {
        section_id: hashlib.blake2b(repr(sorted(rows)).encode(), digest_size=16).hexdigest()
        for section_id, rows in summaries.items()
    }


def _summaries(plan_id: int) -> QuerySet:
    return _summary(Goal, "goal", plan_id).union(_summary(Activity, "activity", plan_id))


# Read on every plan page: compiled once.
_SECTIONS = CompiledRows(
    "a plan's sections", lambda plan_id: PlanSection.objects.filter(plan_id=plan_id)
)
_SUMMARIES = CompiledRows("a plan's sections' contents", _summaries)


def _by_section(rows: Iterable[Row]) -> dict[int, list[Row]]:
    by_section: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_section[row.section_id].append(row)
    return by_section
