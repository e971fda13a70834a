"""``/api/v1/plans/{plan_id}/goals``, ``…/activities`` and ``…/precautions``: read what the
caller may read (a patient: only what the team marked for them), and change it as the
policy allows (each discipline its own section, the lead every section and the
precautions), always with ``If-Match``."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from careteam.models import Activity, CarePlan, Goal, PlanSection, Precaution
from careteam.models.tracking import Versioned
from careteam.policy import PlanAction
from careteam.services import (
    add_precaution,
    create_activity,
    create_goal,
    delete_activity,
    delete_goal,
    delete_precaution,
    update_activity,
    update_goal,
    update_precaution,
)

from ..auth import caller
from ..etags import etag, matched_version
from ..schemas import (
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    GoalIn,
    GoalOut,
    GoalPatch,
    PrecautionIn,
    PrecautionOut,
)
from ..services.readers import (
    Reader,
    readable_activities,
    readable_goals,
    readable_plan,
    readable_precautions,
    reader_for,
    record_read,
)
from .plans import sent

router = Router(tags=["Goals, activities and precautions"])

V = TypeVar("V", bound=Versioned)


def _plan(
    request: HttpRequest, plan_id: int, action: PlanAction = PlanAction.VIEW
) -> tuple[Reader, CarePlan]:
    reader = reader_for(caller(request))
    return reader, readable_plan(reader, plan_id, action)


def _section(plan: CarePlan, discipline: str) -> PlanSection:
    section = plan.sections.filter(discipline=discipline).first()
    if section is None:
        raise ValidationError({"discipline": "This plan has no section for that discipline."})
    section.plan = plan
    return section


def _goal(reader: Reader, plan: CarePlan, goal_id: int) -> Goal:
    goal = get_object_or_404(readable_goals(reader, plan).select_related("section"), pk=goal_id)
    goal.section.plan = plan
    return goal


def _activity(reader: Reader, plan: CarePlan, activity_id: int) -> Activity:
    activity = get_object_or_404(
        readable_activities(reader, plan).select_related("section"), pk=activity_id
    )
    activity.section.plan = plan
    return activity


def _precaution(plan: CarePlan, precaution_id: int) -> Precaution:
    precaution = get_object_or_404(readable_precautions(plan), pk=precaution_id)
    precaution.plan = plan
    return precaution


def _with_etag(response: HttpResponse, record: V) -> V:
    response["ETag"] = etag(record)
    return record


# --- Goals --------------------------------------------------------------------------------


@router.get("/{plan_id}/goals", response=list[GoalOut], summary="The plan's goals")
def list_goals(request: HttpRequest, plan_id: int) -> list[Goal]:
    reader, plan = _plan(request, plan_id)
    goals = list(readable_goals(reader, plan))
    record_read(reader, plan, what="api goals")
    return goals


@router.post("/{plan_id}/goals", response={201: GoalOut}, summary="Add a goal to a section")
def add_goal(request: HttpRequest, response: HttpResponse, plan_id: int, goal: GoalIn) -> Status:
    _, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    fields = goal.model_dump(exclude={"discipline"})
    fields["achievement_status"] = fields["achievement_status"] or ""
    made = create_goal(_section(plan, goal.discipline), caller(request), **fields)
    response["ETag"] = etag(made)
    return Status(201, made)


@router.get("/{plan_id}/goals/{goal_id}", response=GoalOut, summary="One goal")
def get_goal(request: HttpRequest, response: HttpResponse, plan_id: int, goal_id: int) -> Goal:
    reader, plan = _plan(request, plan_id)
    goal = _goal(reader, plan, goal_id)
    record_read(reader, plan, what="api goal", obj=goal)
    return _with_etag(response, goal)


@router.patch("/{plan_id}/goals/{goal_id}", response=GoalOut, summary="Change a goal")
def patch_goal(
    request: HttpRequest, response: HttpResponse, plan_id: int, goal_id: int, changes: GoalPatch
) -> Goal:
    reader, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    goal = _goal(reader, plan, goal_id)
    fields = sent(changes)
    if "achievement_status" in fields:
        fields["achievement_status"] = fields["achievement_status"] or ""
    update_goal(goal, caller(request), matched_version(request, goal), **fields)
    return _with_etag(response, goal)


@router.delete("/{plan_id}/goals/{goal_id}", response={204: None}, summary="Delete a goal")
def remove_goal(request: HttpRequest, plan_id: int, goal_id: int) -> Status:
    reader, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    goal = _goal(reader, plan, goal_id)
    delete_goal(goal, caller(request), matched_version(request, goal))
    return Status(204, None)


# --- Activities ---------------------------------------------------------------------------


@router.get("/{plan_id}/activities", response=list[ActivityOut], summary="The plan's activities")
def list_activities(request: HttpRequest, plan_id: int) -> list[Activity]:
    reader, plan = _plan(request, plan_id)
    activities = list(readable_activities(reader, plan))
    record_read(reader, plan, what="api activities")
    return activities


@router.post(
    "/{plan_id}/activities", response={201: ActivityOut}, summary="Add an activity to a section"
)
def add_activity(
    request: HttpRequest, response: HttpResponse, plan_id: int, activity: ActivityIn
) -> Status:
    _, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    made = create_activity(
        _section(plan, activity.discipline),
        caller(request),
        **activity.model_dump(exclude={"discipline"}),
    )
    response["ETag"] = etag(made)
    return Status(201, made)


@router.get("/{plan_id}/activities/{activity_id}", response=ActivityOut, summary="One activity")
def get_activity(
    request: HttpRequest, response: HttpResponse, plan_id: int, activity_id: int
) -> Activity:
    reader, plan = _plan(request, plan_id)
    activity = _activity(reader, plan, activity_id)
    record_read(reader, plan, what="api activity", obj=activity)
    return _with_etag(response, activity)


@router.patch(
    "/{plan_id}/activities/{activity_id}", response=ActivityOut, summary="Change an activity"
)
def patch_activity(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    activity_id: int,
    changes: ActivityPatch,
) -> Activity:
    reader, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    activity = _activity(reader, plan, activity_id)
    update_activity(activity, caller(request), matched_version(request, activity), **sent(changes))
    return _with_etag(response, activity)


@router.delete(
    "/{plan_id}/activities/{activity_id}", response={204: None}, summary="Delete an activity"
)
def remove_activity(request: HttpRequest, plan_id: int, activity_id: int) -> Status:
    reader, plan = _plan(request, plan_id, PlanAction.EDIT_SECTION)
    activity = _activity(reader, plan, activity_id)
    delete_activity(activity, caller(request), matched_version(request, activity))
    return Status(204, None)


# --- Precautions --------------------------------------------------------------------------


@router.get(
    "/{plan_id}/precautions", response=list[PrecautionOut], summary="The plan's precautions"
)
def list_precautions(request: HttpRequest, plan_id: int) -> list[Precaution]:
    reader, plan = _plan(request, plan_id)
    precautions = list(readable_precautions(plan))
    record_read(reader, plan, what="api precautions")
    return precautions


@router.post("/{plan_id}/precautions", response={201: PrecautionOut}, summary="Add a precaution")
def add_plan_precaution(
    request: HttpRequest, response: HttpResponse, plan_id: int, precaution: PrecautionIn
) -> Status:
    _, plan = _plan(request, plan_id, PlanAction.EDIT_PRECAUTIONS)
    made = add_precaution(plan, caller(request), description=precaution.description)
    response["ETag"] = etag(made)
    return Status(201, made)


@router.patch(
    "/{plan_id}/precautions/{precaution_id}",
    response=PrecautionOut,
    summary="Change a precaution",
)
def patch_precaution(
    request: HttpRequest,
    response: HttpResponse,
    plan_id: int,
    precaution_id: int,
    changes: PrecautionIn,
) -> Precaution:
    _, plan = _plan(request, plan_id, PlanAction.EDIT_PRECAUTIONS)
    precaution = _precaution(plan, precaution_id)
    update_precaution(
        precaution, caller(request), matched_version(request, precaution), **sent(changes)
    )
    return _with_etag(response, precaution)


@router.delete(
    "/{plan_id}/precautions/{precaution_id}", response={204: None}, summary="Delete a precaution"
)
def remove_precaution(request: HttpRequest, plan_id: int, precaution_id: int) -> Status:
    _, plan = _plan(request, plan_id, PlanAction.EDIT_PRECAUTIONS)
    precaution = _precaution(plan, precaution_id)
    delete_precaution(precaution, caller(request), matched_version(request, precaution))
    return Status(204, None)
