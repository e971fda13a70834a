"""All the reading assigned on a plan, for its team: the plan page lists the first few."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import record_view
from careteam.policy import PlanAction
from careteam.views.authorization import PlanAccess, plan_view
from core.paging import counted_page

from ..services.assigned_reading import reading_for_plan

READING_PER_PAGE = 50


@plan_view("GET")
def plan_reading(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """Every assignment on the plan, unread first, a page at a time; the read is audited."""
    plan = access.plan
    access.require(PlanAction.VIEW)
    reading = counted_page(reading_for_plan(plan), READING_PER_PAGE, request.GET.get("page"))
    record_view(
        request.user,
        plan,
        "assigned reading",
        request=request,
        plan=plan,
        patient=plan.patient,
        page_number=reading.number,
    )
    return render(request, "patientportal/team/reading.html", {"plan": plan, "reading": reading})
