"""A Goal entry read back into ``create_goal``'s fields (the inverse of
``fhir_server.resources.goal``).

- ``lifecycleStatus`` (required) and ``achievementStatus`` must be codes we store;
- ``category`` places the goal in a discipline's section: the clinic's discipline code or
  HL7's goal-category (physiotherapy, behavioral, nursing); no category: the lead's section;
- ``description.text`` is required; one ``target`` at most, read as its ``measure.text``,
  ``detailString`` and ``dueDate`` (other kinds of target detail are not imported);
- ``subject`` must be the Bundle's Patient.
"""

from __future__ import annotations

from typing import Any

from careteam.models import Discipline, Goal, GoalAchievementStatus, GoalLifecycleStatus

from ..resources.codes import (
    DISCIPLINE_SYSTEM,
    GOAL_ACHIEVEMENT,
    GOAL_CATEGORY,
    GOAL_CATEGORY_DISCIPLINES,
)
from .bundle import Entries, Entry
from .elements import Element
from .issues import BUSINESS_RULE, CODE_INVALID, NOT_SUPPORTED
from .spec import LEAD_SECTION, GoalSpec

CATEGORY_SYSTEMS = {
    DISCIPLINE_SYSTEM: {discipline.value: discipline.value for discipline in Discipline},
    GOAL_CATEGORY: GOAL_CATEGORY_DISCIPLINES,
}
ACHIEVEMENT_SYSTEMS = {
    GOAL_ACHIEVEMENT: {status.value: status.value for status in GoalAchievementStatus}
}
TARGET_DETAILS = (
    "detailQuantity",
    "detailRange",
    "detailCodeableConcept",
    "detailBoolean",
    "detailInteger",
    "detailRatio",
)
TARGET_DUE = ("dueDuration",)


def _max(field_name: str) -> int | None:
    return Goal._meta.get_field(field_name).max_length


def _discipline(goal: Element) -> str:
    found: list[str] = []
    for category in goal.objects("category"):
        found += category.codes(CATEGORY_SYSTEMS)
    disciplines = list(dict.fromkeys(found))
    if len(disciplines) > 1:
        goal.issues.add(
            BUSINESS_RULE,
            f"{goal.path}.category",
            f"names more than one discipline ({', '.join(disciplines)}): a goal is in one section.",
        )
    return disciplines[0] if disciplines else LEAD_SECTION


def _target(goal: Element) -> dict[str, Any]:
    targets = goal.objects("target")
    for extra in targets[1:]:
        goal.issues.add(NOT_SUPPORTED, extra.path, "only one target per goal is imported.")
    if not targets:
        return {}
    target = targets[0]
    for name in (*TARGET_DETAILS, *TARGET_DUE):
        if target.has(name):
            goal.issues.add(
                NOT_SUPPORTED,
                f"{target.path}.{name}",
                "is not imported (a target is a measure, a detailString and a dueDate).",
            )
    measure = target.object("measure")
    return {
        "measure": measure.string("text", max_length=_max("measure")),
        "target": target.string("detailString", max_length=_max("target")),
        "due_date": target.date("dueDate"),
    }


def _status(goal: Element, name: str, allowed: type[GoalLifecycleStatus]) -> str:
    code = goal.string(name, required=True)
    if code and code not in allowed.values:
        goal.issues.add(CODE_INVALID, f"{goal.path}.{name}", f"{code[:40]!r} is not a goal status.")
    return code


def read_goal(entry: Entry, entries: Entries, patient: Entry | None) -> GoalSpec:
    goal = entry.resource
    subject = entries.resolve(goal.object("subject", required=True), "Patient")
    if subject is not None and patient is not None and subject is not patient:
        goal.issues.add(BUSINESS_RULE, f"{goal.path}.subject", "is not the Bundle's patient.")
    achievement = goal.object("achievementStatus")
    achieved = achievement.codes(ACHIEVEMENT_SYSTEMS) if achievement.value is not None else []
    fields = {
        "description": goal.object("description", required=True).string("text", required=True),
        "lifecycle_status": _status(goal, "lifecycleStatus", GoalLifecycleStatus),
        "achievement_status": achieved[0] if achieved else "",
        "measure": "",
        "target": "",
        "due_date": None,
    }
    fields |= _target(goal)
    return GoalSpec(entry.index, _discipline(goal), fields)
