"""Search and read of the resources made from the plans: CarePlan, CareTeam, Goal and
Patient, each as the reader may see it (``reader.readable_plans``, ``records``).

Each search costs a fixed number of queries whatever it finds; a read is the search by id
plus its audit (``reader.open_plan`` for a plan and its team)."""

from __future__ import annotations

from django.db.models import QuerySet

from api.services.readers import Reader, readable_plans
from careteam.models import CarePlan, Patient

from ..resources.careplan import careplan_resource
from ..resources.careteam import careteam_resource
from ..resources.goal import goal_resource
from ..resources.patient import patient_resource
from . import records
from .reader import Found


def plans_matching(
    reader: Reader,
    *,
    plan_id: int | None = None,
    patient_id: int | None = None,
    statuses: list[str] | None = None,
) -> QuerySet[CarePlan]:
    plans = readable_plans(reader)
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    if patient_id is not None:
        plans = plans.filter(patient_id=patient_id)
    if statuses is not None:
        plans = plans.filter(status__in=statuses)
    return plans.order_by("pk")


def careplan_resources(reader: Reader, plans: QuerySet[CarePlan]) -> list[Found]:
    """Each plan with its goals, activities and precautions (four queries)."""
    goals = records.by_plan(records.goals(reader, plans), lambda goal: goal.section.plan_id)
    activities = records.by_plan(
        records.activities(reader, plans), lambda activity: activity.section.plan_id
    )
    precautions = records.by_plan(records.precautions(plans), lambda row: row.plan_id)
    return [
        Found(
            careplan_resource(
                plan,
                goals=goals.get(plan.pk, []),
                activities=activities.get(plan.pk, []),
                precautions=precautions.get(plan.pk, []),
                with_conditions=not reader.is_patient,
            ),
            plan,
        )
        for plan in plans
    ]


def careteam_resources(plans: QuerySet[CarePlan]) -> list[Found]:
    """Each plan's current team (two queries)."""
    members = records.by_plan(records.team(plans), lambda membership: membership.plan_id)
    return [Found(careteam_resource(plan, members.get(plan.pk, [])), plan) for plan in plans]


def goal_resources(
    reader: Reader, plans: QuerySet[CarePlan], *, goal_id: int | None = None
) -> list[Found]:
    """The goals of these plans the reader may see (one query)."""
    goals = records.goals(reader, plans)
    if goal_id is not None:
        goals = goals.filter(pk=goal_id)
    return [
        Found(goal_resource(goal, goal.section.plan.patient_id), goal.section.plan)
        for goal in goals
    ]


def own_patient(patient: Patient) -> Found:
    """A patient's own record, as they read it (whether or not a plan is ready for them)."""
    return Found(patient_resource(patient), None)


def patient_resources(plans: QuerySet[CarePlan]) -> list[Found]:
    """The patients of these plans (two queries), each seen through their first plan."""
    first_plan: dict[int, CarePlan] = {}
    for plan in plans:
        first_plan.setdefault(plan.patient_id, plan)
    patients = Patient.objects.filter(pk__in=list(first_plan)).order_by("pk")
    return [Found(patient_resource(patient), first_plan[patient.pk]) for patient in patients]
