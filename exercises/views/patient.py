"""The patient's programme at /my/programme/: the exercises with their pictures and what
changed lately, the session log, and the printable handout."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from audit.services import record_view
from careteam.models import Patient
from patientportal.decorators import patient_required
from patientportal.services.submissions import SubmissionConflict

from ..forms import LogSessionForm, completion_field, effort_field
from ..models import ProgrammeVersion
from ..services.errors import ProgrammeError
from ..services.sessions import (
    RECENT_CHANGES_DAYS,
    EntryAnswer,
    log_session,
    patient_programmes,
    recent_changes,
)
from ..services.versions import describe


def _viewed(request: HttpRequest, patient: Patient, what: str, programmes) -> None:
    record_view(
        request.user,
        patient,
        what,
        request=request,
        patient=patient,
        plans=[version.programme.plan_id for version in programmes],
    )


@patient_required
def my_programme(request: HttpRequest, patient: Patient) -> HttpResponse:
    programmes = patient_programmes(patient)
    _viewed(request, patient, "home exercise programme", programmes)
    changed = recent_changes(programmes)
    context = {
        "patient": patient,
        "programmes": [
            (
                version,
                [
                    (each, describe(each.changes))
                    for each in changed.get(version.programme.plan_id, [])
                ],
            )
            for version in programmes
        ],
        "recent_days": RECENT_CHANGES_DAYS,
    }
    return render(request, "exercises/my_programme.html", context)


def _chosen(programmes: list[ProgrammeVersion], plan_id: str | None) -> ProgrammeVersion:
    """The programme the log is for: the first one, or the plan asked for."""
    if not programmes:
        raise Http404("No programme.")
    if not plan_id:
        return programmes[0]
    chosen = next((v for v in programmes if str(v.programme.plan_id) == plan_id), None)
    if chosen is None:
        raise Http404("No such programme.")
    return chosen


@patient_required
def log_session_view(request: HttpRequest, patient: Patient) -> HttpResponse:
    """How today's (or a recent day's) session went, exercise by exercise."""
    programmes = patient_programmes(patient)
    if not programmes:
        _viewed(request, patient, "log an exercise session", programmes)
        return render(request, "exercises/no_programme.html", {"patient": patient})
    params = request.POST if request.method == "POST" else request.GET
    version = _chosen(programmes, params.get("plan"))
    items = version.items.all()
    form = LogSessionForm(request.POST if request.method == "POST" else None, items=items)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and params.get("version") != str(version.number):
        # Answers about exercises the programme no longer holds: shown the new one instead.
        form = LogSessionForm(items=items)
        form.changed_meanwhile = True
        status = 409
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entries = [
            EntryAnswer(
                item.pk,
                data[completion_field(str(item.pk))],
                data[effort_field(str(item.pk))],
            )
            for item in items
        ]
        try:
            log_session(
                patient,
                request.user,
                version,
                performed_on=data["performed_on"],
                entries=entries,
                pain_during=data["pain_during"],
                note=data["note"],
                submission_key=data["submission_key"],
            )
        except SubmissionConflict as conflict:
            form.add_error(None, str(conflict))
            form.renew_submission_key()
            status = 409
        except ProgrammeError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Session logged. Your team can see how it went.")
            return redirect("exercises:programme")
    if request.method == "GET":
        _viewed(request, patient, "log an exercise session", [version])
    context = {"patient": patient, "version": version, "form": form, "programmes": programmes}
    return render(request, "exercises/log_session.html", context, status=status)


@patient_required
def print_programme(request: HttpRequest, patient: Patient) -> HttpResponse:
    programmes = patient_programmes(patient)
    _viewed(request, patient, "home exercise programme handout", programmes)
    context = {
        "programmes": programmes,
        "patient": patient,
        "team_copy": False,
        "back_url": reverse("exercises:programme"),
    }
    return render(request, "exercises/handout.html", context)
