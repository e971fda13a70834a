"""The team's programme pages under /care/plans/<id>/programme/: the programme with its
versions and the patient's adherence (any member, and an emergency reader), adding an
exercise, changing a dose and stopping an exercise (the lead and the physical therapist:
``PlanAction.PRESCRIBE_EXERCISES``), and the printable handout."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.services import record_view
from careteam.models import CarePlan
from careteam.policy import PlanAction
from careteam.services.errors import StaleVersionError
from careteam.views.authorization import PlanAccess, deny_not_found, plan_view
from careteam.views.forms_util import add_service_errors, posted, save_form
from patientportal.services.checkins import pain_chart

from ..charts import adherence_chart
from ..forms import DoseForm, PrescribeForm, StopForm
from ..models import ProgrammeItem, ProgrammeVersion
from ..services.errors import ExerciseConflict, ProgrammeError
from ..services.programmes import (
    change_dose,
    library,
    library_choices,
    prescribe_exercise,
    stop_exercise,
    versions_of,
)
from ..services.sessions import adherence_for, current_versions, recent_sessions
from ..services.versions import describe


def _to_programme(plan: CarePlan) -> HttpResponse:
    return redirect("exercises_team:programme", plan_id=plan.pk)


def _viewed(request: HttpRequest, plan: CarePlan, what: str) -> None:
    record_view(request.user, plan, what, request=request, plan=plan)


def _current(plan: CarePlan) -> ProgrammeVersion | None:
    versions = current_versions([plan])
    return versions[0] if versions else None


@plan_view("GET", emergency_readers=True)
def programme(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    plan = access.plan
    current = _current(plan)
    adherence = adherence_for(plan)
    versions = [(version, describe(version.changes)) for version in versions_of(plan)]
    _viewed(request, plan, "home exercise programme")
    context = {
        "plan": plan,
        "current": current,
        "versions": versions,
        "adherence": adherence,
        "chart": adherence_chart(adherence.weeks),
        "pain_during": adherence.pain_during,
        "pain": pain_chart(plan.patient, shared_with=plan, chart_id="check-in-pain"),
        "sessions": recent_sessions(plan),
        "may_prescribe": access.allows(PlanAction.PRESCRIBE_EXERCISES),
    }
    return render(request, "exercises/team_programme.html", context)


@plan_view("GET", "POST")
def add(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """The library, marked where it clashes with the plan's precautions, and a dose."""
    plan = access.plan
    access.require(PlanAction.PRESCRIBE_EXERCISES)
    current = _current(plan)
    in_programme = {item.exercise_id for item in current.items.all()} if current else set()
    form = PrescribeForm(posted(request), initial={"version": current.number if current else 0})
    conflicts = []
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        exercise = library().filter(pk=form.cleaned_data["exercise"]).first()
        try:
            if exercise is None:
                raise ProgrammeError("That exercise is not in the published library.")
            prescribe_exercise(
                plan,
                request.user,
                exercise,
                form.dose(),
                expected_version=form.cleaned_data["version"],
                confirm_conflicts=form.cleaned_data["confirm_conflicts"],
            )
        except ExerciseConflict as conflict:
            conflicts = conflict.conflicts
            form.add_error("confirm_conflicts", str(conflict))
        except StaleVersionError as stale:
            form.add_error(None, str(stale))
            status = 409
        except ValidationError as error:
            add_service_errors(form, error)
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{exercise.name} added to the programme.")
            return _to_programme(plan)
    if request.method == "GET":
        _viewed(request, plan, "add an exercise to the programme")
    context = {
        "plan": plan,
        "form": form,
        "choices": library_choices(plan, in_programme),
        "conflicts": conflicts,
        "selected": form["exercise"].value(),
    }
    return render(request, "exercises/team_add.html", context, status=status)


def _item_or_404(
    request: HttpRequest, plan: CarePlan, exercise_id: int
) -> tuple[ProgrammeItem, int]:
    """The exercise's item in the current version, and that version's number; a 404
    (recorded) for an exercise not in the programme."""
    current = _current(plan)
    items = current.items.all() if current is not None else []
    item = next((each for each in items if each.exercise_id == exercise_id), None)
    if item is None or current is None:
        raise deny_not_found(request, plan, "exercise in the programme", exercise_id)
    return item, current.number


@plan_view("GET", "POST")
def change(request: HttpRequest, access: PlanAccess, exercise_id: int) -> HttpResponse:
    plan = access.plan
    access.require(PlanAction.PRESCRIBE_EXERCISES)
    item, number = _item_or_404(request, plan, exercise_id)
    form = DoseForm(posted(request), initial=DoseForm.initial_from(item, number))
    status = 200
    if request.method == "POST":
        status = save_form(
            form,
            lambda data: change_dose(
                plan, request.user, item.exercise, form.dose(), expected_version=data["version"]
            ),
            shown=(ProgrammeError,),
        )
        if status is None:
            messages.success(request, f"New dose of {item.exercise_name} saved.")
            return _to_programme(plan)
    if request.method == "GET":
        _viewed(request, plan, "change an exercise's dose")
    context = {"plan": plan, "item": item, "form": form}
    return render(request, "exercises/team_change.html", context, status=status)


@plan_view("GET", "POST")
def stop(request: HttpRequest, access: PlanAccess, exercise_id: int) -> HttpResponse:
    plan = access.plan
    access.require(PlanAction.PRESCRIBE_EXERCISES)
    item, number = _item_or_404(request, plan, exercise_id)
    form = StopForm(posted(request), initial={"version": number})
    status = 200
    if request.method == "POST":
        status = save_form(
            form,
            lambda data: stop_exercise(
                plan, request.user, item.exercise, expected_version=data["version"]
            ),
            shown=(ProgrammeError,),
        )
        if status is None:
            messages.success(request, f"{item.exercise_name} stopped.")
            return _to_programme(plan)
    if request.method == "GET":
        _viewed(request, plan, "stop an exercise")
    context = {"plan": plan, "item": item, "form": form}
    return render(request, "exercises/team_stop.html", context, status=status)


@plan_view("GET", emergency_readers=True)
def print_programme(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """The team's copy of the patient's handout."""
    plan = access.plan
    _viewed(request, plan, "home exercise programme handout")
    context = {
        "programmes": current_versions([plan]),
        "patient": plan.patient,
        "team_copy": True,
        "back_url": reverse("exercises_team:programme", args=[plan.pk]),
    }
    return render(request, "exercises/handout.html", context)
