"""Goals and activities in a plan's discipline sections.

The lead edits every section; the physical therapist and the mental-health professional
edit their own discipline's section; contributors edit none.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth.models import User

from ..models import Activity, CarePlan, Goal, PlanSection
from ..policy import Actor, PlanAction
from ..signals import announce_procedure, done_procedure
from ._common import create_audited, delete_versioned, require, update_versioned

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
    "procedure",
    "done_on",
    "visible_to_patient",
    "sort_order",
)


def _require_section_edit(actor: Actor, section: PlanSection, obj=None) -> CarePlan:
    """The section's plan if the policy lets the actor edit this section; else deny."""
    plan = section.plan
    require(actor, PlanAction.EDIT_SECTION, plan, obj=obj or section, section=section)
    return plan


def _gate(section: PlanSection) -> dict[str, Any]:
    """The policy arguments re-checked under the lock (``change_guarded``)."""
    return {"action": PlanAction.EDIT_SECTION, "section": section}


def _check_fields(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")


def create_goal(section: PlanSection, actor: User, **fields: Any) -> Goal:
    """Add a goal to ``section`` (``description`` required; see ``GOAL_FIELDS``)."""
    plan = _require_section_edit(actor, section)
    _check_fields(fields, GOAL_FIELDS)
    goal = Goal(section=section, created_by=actor, updated_by=actor, **fields)
    return create_audited(goal, actor, plan, GOAL_FIELDS, **_gate(section))


def update_goal(goal: Goal, actor: User, expected_version: int, **changes: Any) -> Goal:
    """Change a goal if it is still at ``expected_version`` (else ``StaleVersionError``)."""
    plan = _require_section_edit(actor, goal.section, goal)
    update_versioned(
        goal,
        actor,
        plan,
        expected_version,
        changes,
        editable=GOAL_FIELDS,
        **_gate(goal.section),
    )
    return goal


def delete_goal(goal: Goal, actor: User, expected_version: int) -> None:
    plan = _require_section_edit(actor, goal.section, goal)
    delete_versioned(
        goal,
        actor,
        plan,
        expected_version,
        fields=GOAL_FIELDS,
        **_gate(goal.section),
    )


def create_activity(section: PlanSection, actor: User, **fields: Any) -> Activity:
    """Add an activity to ``section`` (``kind`` and ``title`` required; see
    ``ACTIVITY_FIELDS``)."""
    plan = _require_section_edit(actor, section)
    _check_fields(fields, ACTIVITY_FIELDS)
    activity = Activity(section=section, created_by=actor, updated_by=actor, **fields)
    then = partial(announce_procedure, activity, actor, None)
    return create_audited(activity, actor, plan, ACTIVITY_FIELDS, then=then, **_gate(section))


def update_activity(
    activity: Activity, actor: User, expected_version: int, **changes: Any
) -> Activity:
    """Change an activity if it is still at ``expected_version`` (else
    ``StaleVersionError``). A procedure marked done, re-dated, shown to or hidden from the
    patient while done, or reopened is announced in the same transaction
    (``careteam.signals.procedure_done``)."""
    plan = _require_section_edit(actor, activity.section, activity)
    before = done_procedure(activity)
    update_versioned(
        activity,
        actor,
        plan,
        expected_version,
        changes,
        editable=ACTIVITY_FIELDS,
        then=partial(announce_procedure, activity, actor, before),
        **_gate(activity.section),
    )
    return activity


def delete_activity(activity: Activity, actor: User, expected_version: int) -> None:
    plan = _require_section_edit(actor, activity.section, activity)
    delete_versioned(
        activity,
        actor,
        plan,
        expected_version,
        fields=ACTIVITY_FIELDS,
        before=partial(announce_procedure, activity, actor, None, deleted=True),
        **_gate(activity.section),
    )
