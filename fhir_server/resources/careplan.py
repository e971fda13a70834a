"""CarePlan: the plan, its activities (``activity.detail``), goals and precautions.

- ``status`` (request-status, required) is the plan's own; ``intent`` (care-plan-intent,
  required) is always "plan".
- Each activity is an ``activity.detail`` with its status (care-plan-activity-status,
  required), ``doNotPerform`` for what the patient must avoid, what to do (``code``: the
  clinic's activity kind, the title as text), the instructions and schedule, and the
  discipline whose section holds it (``codes.SECTION_EXTENSION``).
- Precautions ("no deep or end-range stretching") are ``note`` entries: FHIR R4 has no
  CarePlan element for them, and a ``Precaution`` is free text rather than a coded
  contraindication. Team notes and private notes are never part of a CarePlan.
- ``addresses`` lists the conditions as text (we hold no Condition resources); only for
  readers the plan's conditions are shown to (the team: the patient's page leaves them out).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from careteam.models import Activity, ActivityKind, CarePlan, Discipline, Goal, Precaution

from .codes import ACTIVITY_KIND_SYSTEM, DISCIPLINE_SYSTEM, SECTION_EXTENSION, local
from .goal import goal_reference
from .references import meta, patient_reference, reference, without_empty

PRECAUTION_NOTE_PREFIX = "Precaution: "


def _scheduled(activity: Activity) -> dict[str, Any]:
    if activity.scheduled_on:
        return {"scheduledPeriod": {"start": activity.scheduled_on.isoformat()}}
    if activity.schedule:
        return {"scheduledString": activity.schedule}
    return {}


def activity_entry(activity: Activity) -> dict[str, Any]:
    """One ``CarePlan.activity`` (its section read with it)."""
    kind = ActivityKind(activity.kind)
    discipline = Discipline(activity.section.discipline)
    detail = without_empty(
        {
            "extension": [
                {
                    "url": SECTION_EXTENSION,
                    "valueCoding": local(DISCIPLINE_SYSTEM, discipline.value, discipline.label),
                }
            ],
            "code": {
                "coding": [local(ACTIVITY_KIND_SYSTEM, kind.value, kind.label)],
                "text": activity.title,
            },
            "status": activity.status,
            "doNotPerform": activity.do_not_perform,
            "description": activity.instructions,
            **_scheduled(activity),
        }
    )
    detail["doNotPerform"] = activity.do_not_perform  # False is a value, not an empty one
    return {"detail": detail}


def careplan_resource(
    plan: CarePlan,
    *,
    goals: Iterable[Goal],
    activities: Iterable[Activity],
    precautions: Iterable[Precaution],
    with_conditions: bool,
) -> dict[str, Any]:
    """The plan with the goals and activities the reader may see (already chosen)."""
    period = without_empty(
        {
            "start": plan.period_start.isoformat() if plan.period_start else None,
            "end": plan.period_end.isoformat() if plan.period_end else None,
        }
    )
    conditions = plan.condition_list if with_conditions else []
    return without_empty(
        {
            "resourceType": "CarePlan",
            "id": str(plan.pk),
            "meta": meta(plan.version, plan.updated_at),
            "status": plan.status,
            "intent": "plan",
            "title": plan.title,
            "description": plan.patient_summary,
            "subject": patient_reference(plan.patient_id),
            "period": period,
            "created": plan.created_at.date().isoformat() if plan.created_at else None,
            "careTeam": [reference("CareTeam", plan.pk)],
            "addresses": [{"display": condition} for condition in conditions],
            "goal": [goal_reference(goal) for goal in goals],
            "activity": [activity_entry(activity) for activity in activities],
            "note": [
                {"text": PRECAUTION_NOTE_PREFIX + precaution.description}
                for precaution in precautions
            ],
        }
    )


def careplan_reference(plan: CarePlan) -> dict[str, str]:
    return reference("CarePlan", plan.pk, plan.title)
