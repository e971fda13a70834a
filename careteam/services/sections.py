"""Goals and activities in a plan's discipline sections.

The lead edits every section; the physical therapist and the mental-health professional
edit their own discipline's section; contributors edit none.
"""

from __future__ import annotations

from typing import Any

from ..models import Activity, CarePlan, Goal, PlanSection
from ..permissions import (
    EDIT_ALL_SECTIONS,
    EDIT_OWN_SECTION,
    VIEW,
    Actor,
    active_role,
    perms_on,
    section_editable,
)
from ._common import create_audited, delete_versioned, deny, update_versioned

GOAL_FIELDS = (
    "description",
    "measure",
    "target",
    "due_date",
    "lifecycle_status",
    "achievement_status",
    "visible_to_patient",
    "sort_order",
)
ACTIVITY_FIELDS = (
    "kind",
    "title",
    "status",
    "schedule",
    "scheduled_on",
    "instructions",
    "do_not_perform",
    "visible_to_patient",
    "sort_order",
)


def _section_permission(section: PlanSection) -> str:
    return f"{EDIT_OWN_SECTION}:{section.discipline}"


def _may_edit(actor: Actor, plan: CarePlan, section: PlanSection, perms: frozenset[str]) -> bool:
    role = active_role(actor, plan) if EDIT_OWN_SECTION in perms else None
    return EDIT_ALL_SECTIONS in perms or section_editable(perms, role, section)


def _section_gate(actor: Actor, section: PlanSection) -> dict[str, Any]:
    """The permission arguments for ``change_guarded`` (re-checked under a lock)."""
    return {
        "permission": _section_permission(section),
        "allows": lambda perms: _may_edit(actor, section.plan, section, perms),
    }


def require_section_edit(actor: Actor, section: PlanSection, obj=None) -> CarePlan:
    """The section's plan if the actor may edit this section; else deny (recorded)."""
    plan = section.plan
    perms = perms_on(actor, plan)
    if _may_edit(actor, plan, section, perms):
        return plan
    raise deny(
        actor,
        _section_permission(section),
        plan=plan,
        obj=obj or section,
        hide_existence=VIEW not in perms,
    )


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")


def create_goal(section: PlanSection, actor: Actor, **fields: Any) -> Goal:
    """Add a goal to ``section`` (``description`` required; see ``GOAL_FIELDS``)."""
    plan = require_section_edit(actor, section)
    _check_fields(fields, GOAL_FIELDS)
    goal = Goal(section=section, created_by=actor, updated_by=actor, **fields)
    return create_audited(goal, actor, plan, GOAL_FIELDS, **_section_gate(actor, section))


def update_goal(goal: Goal, actor: Actor, expected_version: int, **changes: Any) -> Goal:
    """Change a goal if it is still at ``expected_version`` (else ``StaleVersionError``)."""
    plan = require_section_edit(actor, goal.section, goal)
    update_versioned(
        goal,
        actor,
        plan,
        expected_version,
        changes,
        editable=GOAL_FIELDS,
        **_section_gate(actor, goal.section),
    )
    return goal


def delete_goal(goal: Goal, actor: Actor, expected_version: int) -> None:
    plan = require_section_edit(actor, goal.section, goal)
    delete_versioned(
        goal,
        actor,
        plan,
        expected_version,
        fields=GOAL_FIELDS,
        **_section_gate(actor, goal.section),
    )


def create_activity(section: PlanSection, actor: Actor, **fields: Any) -> Activity:
    """Add an activity to ``section`` (``kind`` and ``title`` required; see
    ``ACTIVITY_FIELDS``)."""
    plan = require_section_edit(actor, section)
    _check_fields(fields, ACTIVITY_FIELDS)
    activity = Activity(section=section, created_by=actor, updated_by=actor, **fields)
    return create_audited(activity, actor, plan, ACTIVITY_FIELDS, **_section_gate(actor, section))


def update_activity(
    activity: Activity, actor: Actor, expected_version: int, **changes: Any
) -> Activity:
    """Change an activity if it is still at ``expected_version`` (else
    ``StaleVersionError``)."""
    plan = require_section_edit(actor, activity.section, activity)
    update_versioned(
        activity,
        actor,
        plan,
        expected_version,
        changes,
        editable=ACTIVITY_FIELDS,
        **_section_gate(actor, activity.section),
    )
    return activity


def delete_activity(activity: Activity, actor: Actor, expected_version: int) -> None:
    plan = require_section_edit(actor, activity.section, activity)
    delete_versioned(
        activity,
        actor,
        plan,
        expected_version,
        fields=ACTIVITY_FIELDS,
        **_section_gate(actor, activity.section),
    )
