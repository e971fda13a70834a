"""The care team's patient-portal actions, reached from the plan page at /care/plans/<id>/."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from wagtail.models import Page

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan
from careteam.permissions import VIEW, user_can

from ..forms import AssignReadingForm
from ..models import RedFlagAlert
from ..services.access import invite_patient, revoke_patient_access
from ..services.checkins import acknowledge_alert
from ..services.errors import PortalActionError
from ..services.reading import ContraindicationConflict, assign_reading, page_choices


def _team_plan(request: HttpRequest, plan_id: int) -> CarePlan:
    """The plan, if the user is on its team; otherwise 404 with a 'denied' audit record."""
    plan = CarePlan.objects.select_related("patient").filter(pk=plan_id).first()
    if plan is None or not user_can(request.user, VIEW, plan):
        record_event(
            request.user,
            AuditAction.DENIED,
            plan,
            request=request,
            plan=plan,
            detail={"reason": "not on the care team", "area": "patient portal"},
        )
        raise Http404("No such plan.")
    return plan


def _back_to_plan(plan: CarePlan) -> HttpResponse:
    return redirect("careteam:plan-detail", plan_id=plan.pk)


@require_POST
@login_required
def invite(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _team_plan(request, plan_id)
    try:
        invitation = invite_patient(plan, request.user)
    except PortalActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.user.email}. The link works once and expires.",
        )
    return _back_to_plan(plan)


@require_POST
@login_required
def revoke(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _team_plan(request, plan_id)
    try:
        revoke_patient_access(plan.patient, request.user)
    except PortalActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The patient's portal access is switched off.")
    return _back_to_plan(plan)


@require_POST
@login_required
def acknowledge(request: HttpRequest, plan_id: int, alert_id: int) -> HttpResponse:
    plan = _team_plan(request, plan_id)
    alert = get_object_or_404(RedFlagAlert.objects.select_related("plan"), pk=alert_id, plan=plan)
    acknowledge_alert(alert, request.user)
    messages.success(request, "Alert acknowledged.")
    if request.POST.get("next") == "dashboard":
        return redirect("careteam:dashboard")
    return _back_to_plan(plan)


@login_required
def assign(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _team_plan(request, plan_id)
    query = request.GET.get("q", "").strip()[:100]
    choices = page_choices(plan, query)
    form = AssignReadingForm(request.POST or None)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        page = Page.objects.filter(pk=form.cleaned_data["page"]).first()
        try:
            if page is None:
                raise PortalActionError("That page no longer exists. Choose another.")
            assign_reading(
                plan,
                request.user,
                page,
                note=form.cleaned_data["note"],
                due_date=form.cleaned_data["due_date"],
                confirm_conflicts=form.cleaned_data["confirm_conflicts"],
            )
        except ContraindicationConflict as conflict:
            conflicts = conflict.conflicts
            form.add_error("confirm_conflicts", str(conflict))
        except PortalActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{page.title}” added to the patient's reading list.")
            return _back_to_plan(plan)
    if request.method == "GET":
        record_event(
            request.user,
            AuditAction.VIEWED,
            plan,
            request=request,
            plan=plan,
            detail={"what": "assign reading form"},
        )
    selected = form["page"].value()
    return render(
        request,
        "patientportal/team/assign_reading.html",
        {
            "plan": plan,
            "form": form,
            "query": query,
            "choices": choices,
            "conflicts": conflicts,
            "selected_page": str(selected) if selected else "",
        },
        status=400 if request.method == "POST" else 200,
    )
