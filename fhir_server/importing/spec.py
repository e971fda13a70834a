"""What a valid Bundle asks for, read into the fields the careteam services take.

``PlanSpec`` is made by ``reading.read_bundle`` and written by ``writer.write_plan``; its
``fields`` dicts are keyword arguments of ``create_care_plan``, ``create_goal`` and
``create_activity`` as they are."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from careteam.models import Discipline
from careteam.services.plans import DEFAULT_SECTIONS

# Where a goal goes when its categories name no discipline, and an activity when it does not
# say (``codes.SECTION_EXTENSION``, which only this portal writes): the lead (the importer)
# edits every section, so they may move them later.
LEAD_SECTION = Discipline.PAIN_MANAGEMENT


@dataclass(frozen=True)
class GoalSpec:
    entry: int  # the Goal's place in Bundle.entry
    discipline: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class PlanSpec:
    entry_count: int
    patient_entry: int
    record_number: str
    birth_date: datetime.date | None
    plan_entry: int
    title: str
    fields: dict[str, Any]  # the plan's other fields (its status is never read: a draft)
    care_team_entry: int | None = None
    goals: list[GoalSpec] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)  # with "discipline"
    precautions: list[str] = field(default_factory=list)

    @property
    def sections(self) -> tuple[str, ...]:
        """The plan's usual sections, and any other its goals or activities need, in that
        order."""
        needed = [goal.discipline for goal in self.goals] + [
            activity["discipline"] for activity in self.activities
        ]
        extra = [discipline for discipline in needed if discipline not in DEFAULT_SECTIONS]
        return (*DEFAULT_SECTIONS, *dict.fromkeys(extra))

    def activity_fields(self) -> list[tuple[str, dict[str, Any]]]:
        """Each activity's section and its fields for ``create_activity``."""
        return [
            (activity["discipline"], {k: v for k, v in activity.items() if k != "discipline"})
            for activity in self.activities
        ]
