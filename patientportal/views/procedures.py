"""The team's procedure response page (/care/plans/<id>/portal/procedures/): each
procedure done, its follow-ups and the relief they report against the pain before it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.policy import PlanAction
from careteam.views.authorization import PlanAccess, plan_view

from ..services.procedure_response import BASELINE_DAYS, positive_threshold, procedure_responses


@plan_view("GET")
def procedure_response(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """Open to every member who may view the plan; anyone else gets 404 (``plan_view``)."""
    plan = access.plan
    access.require(PlanAction.VIEW)
    responses = procedure_responses(plan)
    record_event(
        request.user,
        AuditAction.VIEWED,
        plan,
        request=request,
        plan=plan,
        detail={
            "what": "procedure response",
            "follow_ups": [row.pk for response in responses for row in response.follow_ups],
        },
    )
    context = {
        "plan": plan,
        "responses": responses,
        "threshold": positive_threshold(),
        "baseline_days": BASELINE_DAYS,
        "today": plan.patient.today(timezone.now()),
    }
    return render(request, "patientportal/team/procedure_response.html", context)
