"""The patient's own pages at /my/: plan, reading, check-in and the ODI questionnaire."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient

from ..decorators import patient_required
from ..forms import CheckInForm, OdiForm, ReadingFeedbackForm
from ..models import CheckIn, ReadingAssignment
from ..odi import band_for
from ..services.assigned_reading import reading_for_patient, record_feedback
from ..services.checkins import odi_chart, pain_chart, record_check_in, record_odi
from ..services.patients import current_exercises, plan_overview, plans_for_patient

RECENT_PAIN_WINDOW = datetime.timedelta(days=14)


@patient_required
def my_plan(request: HttpRequest, patient: Patient, plan_id: int | None = None) -> HttpResponse:
    plans = list(plans_for_patient(patient))
    if plan_id is None:
        plan = plans[0] if plans else None
    else:
        plan = next((candidate for candidate in plans if candidate.pk == plan_id), None)
        if plan is None:
            raise Http404("No such plan.")
    if plan is None:
        record_event(request.user, AuditAction.VIEWED, patient, request=request, patient=patient)
        return render(request, "patientportal/no_plan.html", {"patient": patient})
    record_event(request.user, AuditAction.VIEWED, plan, request=request, plan=plan)
    latest_odi = patient.odi_responses.order_by("-completed_at", "-pk").first()
    pain = pain_chart(patient)
    return render(
        request,
        "patientportal/my_plan.html",
        {
            "patient": patient,
            "overview": plan_overview(plan),
            "other_plans": [other for other in plans if other.pk != plan.pk],
            "unread_count": ReadingAssignment.objects.filter(
                plan=plan, read_at__isnull=True
            ).count(),
            "pain_chart": pain,
            "recent_pain": pain.recent_average(timezone.localdate() - RECENT_PAIN_WINDOW),
            "odi_chart": odi_chart(patient),
            "latest_odi": latest_odi,
            "latest_odi_band": band_for(latest_odi.score) if latest_odi else None,
        },
    )


@patient_required
def my_reading(request: HttpRequest, patient: Patient) -> HttpResponse:
    assignments = list(reading_for_patient(patient))
    record_event(
        request.user,
        AuditAction.VIEWED,
        patient,
        request=request,
        patient=patient,
        detail={"page": "reading list", "assignments": len(assignments)},
    )
    return render(
        request,
        "patientportal/my_reading.html",
        {
            "patient": patient,
            "unread": [a for a in assignments if a.read_at is None],
            "read": [a for a in assignments if a.read_at is not None],
        },
    )


@require_POST
@patient_required
def reading_feedback(request: HttpRequest, patient: Patient, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        reading_for_patient(patient).select_related("plan__patient"), pk=assignment_id
    )
    form = ReadingFeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please choose whether the page helped you.")
        return redirect("patientportal:reading")
    record_feedback(
        assignment,
        request.user,
        helpful=form.cleaned_data["helpful"],
        feedback=form.cleaned_data["feedback"],
    )
    messages.success(request, "Thank you. Your care team will see your answer.")
    return redirect("patientportal:reading")


@patient_required
def check_in(request: HttpRequest, patient: Patient) -> HttpResponse:
    exercises = list(current_exercises(patient))
    form = CheckInForm(request.POST or None, exercises=exercises)
    if request.method == "POST" and form.is_valid():
        saved = record_check_in(
            patient,
            request.user,
            pain_score=form.cleaned_data["pain_score"],
            activity_outcomes=form.activity_outcomes(),
            note=form.cleaned_data["note"],
            red_flags=form.cleaned_data["red_flags"],
        )
        if saved.has_red_flags:
            return redirect("patientportal:check-in-urgent", check_in_id=saved.pk)
        messages.success(request, "Thank you. Your check-in is saved.")
        return redirect("patientportal:plan")
    if request.method == "GET":
        record_event(
            request.user,
            AuditAction.VIEWED,
            patient,
            request=request,
            patient=patient,
            detail={"page": "check-in form", "exercises": [a.pk for a in exercises]},
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "patientportal/check_in.html", {"form": form}, status=status)


@patient_required
def check_in_urgent(request: HttpRequest, patient: Patient, check_in_id: int) -> HttpResponse:
    saved = get_object_or_404(CheckIn, pk=check_in_id, patient=patient)
    if not saved.has_red_flags:
        return redirect("patientportal:plan")
    record_event(request.user, AuditAction.VIEWED, saved, request=request, patient=patient)
    return render(request, "patientportal/urgent.html", {"check_in": saved})


@patient_required
def odi(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = OdiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        response = record_odi(patient, request.user, form.answers())
        messages.success(
            request,
            f"Thank you. Your score is {response.score} out of 100. "
            f"{band_for(response.score).patient_text}",
        )
        return redirect("patientportal:plan")
    status = 400 if request.method == "POST" else 200
    return render(request, "patientportal/odi.html", {"form": form}, status=status)
