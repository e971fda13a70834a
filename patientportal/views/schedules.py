"""The team's questionnaire schedules for a plan, at /care/plans/<id>/portal/questionnaires/:
the list (when each is next due on the patient's calendar, the latest result's band), and
the forms that add, change and stop one. Any member may open it; what each may schedule is
the policy's (``services.schedules``). Emergency access gets 403 (``plan_view``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import record_view
from careteam.policy import PlanAction, refusal, schedule_questionnaire_action
from careteam.services import StaleVersionError
from careteam.views.authorization import PlanAccess, get_or_deny, plan_view
from careteam.views.forms_util import add_service_errors, posted, save_form
from questionnaires.instruments import INSTRUMENTS

from ..forms.schedules import AddScheduleForm, ChangeScheduleForm, StopScheduleForm
from ..models import QuestionnaireSchedule
from ..services.schedules import (
    change_schedule,
    schedule_questionnaire,
    schedule_rows,
    stop_schedule,
)

SCHEDULING_ACTIONS = (
    PlanAction.SCHEDULE_QUESTIONNAIRES,
    PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES,
)


def _may_schedule(access: PlanAccess) -> frozenset[PlanAction]:
    """The scheduling actions the user's rights (read once with the plan) allow."""
    return frozenset(action for action in SCHEDULING_ACTIONS if access.allows(action))


def _back(access: PlanAccess) -> HttpResponse:
    return redirect("patientportal_team:questionnaire-schedules", plan_id=access.plan.pk)


def _page(
    request: HttpRequest, access: PlanAccess, form: AddScheduleForm, status: int = 200
) -> HttpResponse:
    plan = access.plan
    may_schedule = _may_schedule(access)
    rows = schedule_rows(
        plan,
        shows_totals=access.allows(PlanAction.VIEW_MENTAL_HEALTH_RESULTS),
        may_schedule=may_schedule,
    )
    if request.method == "GET":
        record_view(
            request.user,
            plan,
            "questionnaire schedules",
            request=request,
            plan=plan,
            schedules=[r.schedule.pk for r in rows],
        )
    context: dict[str, Any] = {
        "plan": plan,
        "rows": rows,
        "form": form,
        "today": plan.patient.today(timezone.now()),
        "why_totals_hidden": (
            refusal(PlanAction.VIEW_MENTAL_HEALTH_RESULTS)
            if any(row.latest_at and not row.shows_total for row in rows)
            else ""
        ),
        "why_mood_not_offered": (
            ""
            if PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES in may_schedule
            else refusal(PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES)
        ),
    }
    return render(request, "patientportal/team/schedules.html", context, status=status)


def add_form(access: PlanAccess, data=None) -> AddScheduleForm:
    may_schedule = _may_schedule(access)
    offered = [
        instrument
        for instrument in INSTRUMENTS.values()
        if not instrument.sensitive
        or PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES in may_schedule
    ]
    today = access.plan.patient.today(timezone.now())
    return AddScheduleForm(data, instruments=offered, today=today)


@plan_view("GET", "POST")
def schedules(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """The plan's schedules, and the form that adds one."""
    access.require(PlanAction.SCHEDULE_QUESTIONNAIRES)
    form = add_form(access, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            schedule = schedule_questionnaire(
                request.user,
                access.plan,
                form.cleaned_data["instrument"],
                every_days=form.cleaned_data["every_days"],
                starts_on=form.cleaned_data["starts_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{schedule.get_instrument_display()} scheduled every {schedule.every_days} "
                f"days, first due {schedule.next_due_on:%d %b %Y}.",
            )
            return _back(access)
    return _page(request, access, form, status=400 if request.method == "POST" else 200)


def _schedule(request: HttpRequest, access: PlanAccess, schedule_id: int) -> QuestionnaireSchedule:
    """The plan's schedule (404, recorded, for another plan's), if the user may change it:
    a mental-health one needs more than membership (403 with the policy's sentence)."""
    access.require(PlanAction.SCHEDULE_QUESTIONNAIRES)
    rows = QuestionnaireSchedule.objects.select_related("plan__patient")
    schedule = get_or_deny(request, rows, access.plan, plan=access.plan, pk=schedule_id)
    instrument = INSTRUMENTS.get(schedule.instrument)
    access.require(schedule_questionnaire_action(instrument is None or instrument.sensitive))
    return schedule


@plan_view("GET", "POST")
def change(request: HttpRequest, access: PlanAccess, schedule_id: int) -> HttpResponse:
    """The form that changes how often, or from when, a schedule asks."""
    schedule = _schedule(request, access, schedule_id)
    initial = {
        "every_days": schedule.every_days,
        "starts_on": schedule.starts_on,
        "version": schedule.version,
    }
    form = ChangeScheduleForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = save_form(
            form,
            lambda data: change_schedule(
                request.user,
                schedule,
                data["version"],
                every_days=data["every_days"],
                starts_on=data["starts_on"],
            ),
        )
        if status is None:
            messages.success(request, f"{schedule.get_instrument_display()}: schedule changed.")
            return _back(access)
    if request.method == "GET":
        record_view(
            request.user,
            schedule,
            "change questionnaire schedule form",
            request=request,
            plan=access.plan,
        )
    context = {
        "plan": access.plan,
        "schedule": schedule,
        "form": form,
        "stop_form": StopScheduleForm(initial={"version": schedule.version}),
    }
    return render(request, "patientportal/team/schedule_change.html", context, status=status)


@plan_view("POST")
def stop(request: HttpRequest, access: PlanAccess, schedule_id: int) -> HttpResponse:
    schedule = _schedule(request, access, schedule_id)
    form = StopScheduleForm(request.POST)
    if not form.is_valid():
        raise BadRequest("The stop button's version is missing or malformed.")
    try:
        stop_schedule(request.user, schedule, form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except StaleVersionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{schedule.get_instrument_display()}: schedule stopped.")
    return _back(access)
