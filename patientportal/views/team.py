"""The care team's patient-portal actions, reached from the plan page at /care/plans/<id>/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from wagtail.models import Page

from audit.services import record_view
from careteam.models import CarePlan
from careteam.policy import PatientAction, PlanAction, may_act_on_patient, refusal
from careteam.services import require_patient_action
from careteam.views.authorization import PlanAccess, get_or_deny, plan_view
from careteam.views.forms_util import add_service_errors, posted
from mfa.stepup import recent_authentication_required

from ..forms import (
    AcknowledgeAlertForm,
    AssignReadingForm,
    InvitePatientForm,
    SwitchOffAccessForm,
)
from ..models import RedFlagAlert
from ..services.alerts import AlertAlreadyAcknowledged, acknowledge_alert
from ..services.assigned_reading import ContraindicationConflict, assign_reading, page_choices
from ..services.errors import PortalActionError
from ..services.logins import (
    invite_patient,
    may_be_switched_off,
    portal_access,
    revoke_patient_access,
)
from ..services.submissions import SubmissionConflict
from ..services.team_panel import answers_shown


def _back_to_plan(plan: CarePlan) -> HttpResponse:
    return redirect("careteam:plan-detail", plan_id=plan.pk)


@plan_view("POST")
def invite(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    plan = access.plan
    form = InvitePatientForm(request.POST)
    if not form.is_valid():
        raise BadRequest("The invite button's one-time key is malformed.")
    try:
        invitation = invite_patient(
            plan, request.user, submission_key=form.cleaned_data["submission_key"]
        )
    except PortalActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Invitation sent to {invitation.user.email}. The link works once and expires.",
        )
    return _back_to_plan(plan)


@plan_view("GET", "POST")
@recent_authentication_required(
    when=lambda request, access: may_act_on_patient(
        request.user, PatientAction.SWITCH_OFF_PORTAL_ACCESS, access.plan.patient_id
    ),
)
def revoke(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """What switching off the patient's portal login does, and the button that does it."""
    plan = access.plan
    require_patient_action(
        request.user, PatientAction.SWITCH_OFF_PORTAL_ACCESS, plan.patient, plan=plan
    )
    form = SwitchOffAccessForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            revoke_patient_access(plan, request.user)
        except PortalActionError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The patient's portal access is switched off.")
        return _back_to_plan(plan)
    if request.method == "GET":
        record_view(
            request.user,
            plan.patient,
            "switch off portal access form",
            request=request,
            plan=plan,
            patient=plan.patient,
        )
    state, invitation = portal_access(plan.patient)
    context = {
        "plan": plan,
        "form": form,
        "invitation": invitation,
        "can_switch_off": may_be_switched_off(state),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "patientportal/team/switch_off_access.html", context, status=status)


# Where acknowledging an alert leads back to (``next``), besides the plan page.
AFTER_ACKNOWLEDGING = {
    "dashboard": "careteam:dashboard",
    "clinic-alerts": "patientportal_on_call:alerts",
}


@plan_view("GET", "POST")
def acknowledge(request: HttpRequest, access: PlanAccess, alert_id: int) -> HttpResponse:
    """The alert, and the form that closes it by saying what was done."""
    plan = access.plan
    access.require(PlanAction.ACKNOWLEDGE_ALERT)
    alert = get_or_deny(
        request,
        RedFlagAlert.objects.select_related(
            "plan__patient", "acknowledged_by", "questionnaire_result"
        ),
        plan,
        plan=plan,
        pk=alert_id,
    )
    params = request.POST if request.method == "POST" else request.GET
    next_page = params.get("next", "")
    next_page = next_page if next_page in AFTER_ACKNOWLEDGING else ""
    form = AcknowledgeAlertForm(posted(request))
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            acknowledge_alert(
                alert,
                request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["outcome_note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except AlertAlreadyAcknowledged as conflict:
            form.add_error(None, str(conflict))
            alert, status = conflict.alert, 409
        else:
            messages.success(request, f"Alert acknowledged: {alert.get_outcome_display()}.")
            if next_page:
                return redirect(AFTER_ACKNOWLEDGING[next_page])
            return _back_to_plan(plan)
    if request.method == "GET":
        record_view(
            request.user,
            alert,
            "acknowledge alert form",
            request=request,
            plan=plan,
        )
    context = {
        "plan": plan,
        "alert": alert,
        "form": form,
        "next_page": next_page,
        "answers": answers_shown(alert, access.allows(PlanAction.VIEW_MENTAL_HEALTH_RESULTS)),
        "why_answers_hidden": refusal(PlanAction.VIEW_MENTAL_HEALTH_RESULTS),
    }
    return render(request, "patientportal/team/acknowledge_alert.html", context, status=status)


@plan_view("GET", "POST")
def assign(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    plan = access.plan
    query = request.GET.get("q", "").strip()[:100]
    choices = page_choices(plan, query)
    form = AssignReadingForm(request.POST or None)
    conflicts = []
    status = 400 if request.method == "POST" else 200
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
                submission_key=form.cleaned_data["submission_key"],
            )
        except SubmissionConflict as conflict:
            form.add_error(None, str(conflict))
            form.renew_submission_key()
            status = 409
        except ContraindicationConflict as conflict:
            conflicts = conflict.conflicts
            form.add_error("confirm_conflicts", str(conflict))
        except PortalActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{page.title}” added to the patient's reading list.")
            return _back_to_plan(plan)
    if request.method == "GET":
        record_view(
            request.user,
            plan,
            "assign reading form",
            request=request,
            plan=plan,
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
        status=status,
    )
