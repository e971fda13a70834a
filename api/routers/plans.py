"""``/api/v1/plans``: the plans a caller may read (filtered, paged), one plan whole, and a
change to a plan's own fields (lead only, with ``If-Match``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Field as SchemaField
from ninja import Query, Router, Schema
from pydantic import BaseModel

from careteam.models import CarePlan, CarePlanStatus
from careteam.policy import PlanAction
from careteam.services import update_plan

from ..auth import caller
from ..etags import etag, matched_version
from ..schemas import NOT_NULL, PlanDetailOut, PlanList, PlanOut, PlanPatch
from ..services.readers import (
    Reader,
    readable_activities,
    readable_goals,
    readable_plan,
    readable_plans,
    readable_precautions,
    reader_for,
    record_listing,
    record_read,
)

router = Router(tags=["Care plans"])

MAX_PAGE = 100


class PlanFilters(Schema):
    status: CarePlanStatus = NOT_NULL
    # The patient's id, never a record number or a name: a URL ends up in access logs.
    patient: int = SchemaField(NOT_NULL, ge=1, le=2**63 - 1, description="The patient's id.")
    limit: int = SchemaField(20, ge=1, le=MAX_PAGE)
    offset: int = SchemaField(0, ge=0, le=10**9)


@router.get("/", response=PlanList, summary="The plans you may read, newest change first")
def list_plans(request: HttpRequest, filters: Query[PlanFilters]) -> dict:
    reader = reader_for(caller(request))
    plans = readable_plans(reader)
    if filters.status:
        plans = plans.filter(status=filters.status)
    if filters.patient:
        plans = plans.filter(patient_id=filters.patient)
    page = list(plans[filters.offset : filters.offset + filters.limit])
    record_listing(reader, page)
    return {"count": plans.count(), "items": page}


@router.get("/{plan_id}", response=PlanDetailOut, summary="One plan, with its goals and activities")
def get_plan(request: HttpRequest, response: HttpResponse, plan_id: int) -> dict:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    record_read(reader, plan, what="api plan")
    response["ETag"] = etag(plan)
    return plan_detail(plan, reader)


@router.patch("/{plan_id}", response=PlanDetailOut, summary="Change the plan's own fields")
def patch_plan(
    request: HttpRequest, response: HttpResponse, plan_id: int, changes: PlanPatch
) -> dict:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id, PlanAction.EDIT_PLAN)
    update_plan(plan, caller(request), matched_version(request, plan), **sent(changes))
    response["ETag"] = etag(plan)
    return plan_detail(plan, reader)


def plan_detail(plan: CarePlan, reader: Reader) -> dict:
    return {
        **{name: getattr(plan, name) for name in PlanOut.model_fields if name != "patient"},
        "patient": plan.patient,
        "conditions": None if reader.is_patient else plan.conditions,  # as on /my/
        "patient_summary": plan.patient_summary,
        "red_flag_guidance": plan.red_flag_guidance,
        "precautions": list(readable_precautions(plan)),
        "goals": list(readable_goals(reader, plan)),
        "activities": list(readable_activities(reader, plan)),
    }


def sent(changes: BaseModel) -> dict:
    """Only the fields the caller sent: a PATCH leaves the others as they are."""
    return changes.model_dump(exclude_unset=True)
