"""Goal: a measurable outcome in one discipline's section of a plan.

``lifecycleStatus`` (goal-status, required) and ``achievementStatus`` (goal-achievement)
are stored as FHIR's own codes. The section's discipline becomes ``category`` (HL7's
goal-category where one fits, and always the clinic's discipline code)."""

from __future__ import annotations

from typing import Any

from careteam.models import Goal, GoalAchievementStatus

from .codes import DISCIPLINE_GOAL_CATEGORIES, DISCIPLINE_SYSTEM, GOAL_ACHIEVEMENT, Code, local
from .references import meta, patient_reference, reference, without_empty


def _category(discipline: str, label: str) -> dict[str, Any]:
    codings = [local(DISCIPLINE_SYSTEM, discipline, label)]
    standard = DISCIPLINE_GOAL_CATEGORIES.get(discipline)
    if standard is not None:
        codings.insert(0, standard.coding())
    return {"coding": codings, "text": label}


def _target(goal: Goal) -> dict[str, Any] | None:
    """Goal.target: what is measured, the aim, and when by. A target needs a measure
    (FHIR's gol-1), so an aim without one is measured "as written"."""
    if not (goal.measure or goal.target or goal.due_date):
        return None
    target: dict[str, Any] = {}
    if goal.measure or goal.target:
        target["measure"] = {"text": goal.measure or "As written in the goal"}
    if goal.target:
        target["detailString"] = goal.target
    if goal.due_date:
        target["dueDate"] = goal.due_date.isoformat()
    return target


def goal_resource(goal: Goal, patient_id: int) -> dict[str, Any]:
    """``goal.section`` must be loaded (select_related)."""
    section = goal.section
    achievement = None
    if goal.achievement_status:
        status = GoalAchievementStatus(goal.achievement_status)
        # HL7 displays are title case ("In Progress").
        achievement = Code(GOAL_ACHIEVEMENT, status.value, status.label.title()).concept()
    target = _target(goal)
    return without_empty(
        {
            "resourceType": "Goal",
            "id": str(goal.pk),
            "meta": meta(goal.version, goal.updated_at),
            "lifecycleStatus": goal.lifecycle_status,
            "achievementStatus": achievement,
            "category": [_category(section.discipline, section.get_discipline_display())],
            "description": {"text": goal.description},
            "subject": patient_reference(patient_id),
            "target": [target] if target else None,
        }
    )


def goal_reference(goal: Goal) -> dict[str, str]:
    return reference("Goal", goal.pk, goal.description[:120])
