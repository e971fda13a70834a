"""The patient's own pages at /my/: plan, reading, check-in and the questionnaires (with the
crisis advice a safety answer brings)."""

from __future__ import annotations

import datetime
import logging

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.models import AuditAction
from audit.services import record_event, record_view
from careteam.models import Patient
from questionnaires.instruments import INSTRUMENTS, ODI

from ..decorators import patient_required
from ..forms import AnswerQuestionnaireForm, CheckInForm, ReadingFeedbackForm, StartFlareForm
from ..models import CheckIn, QuestionnaireResult, ReadingAssignment
from ..services.assigned_reading import reading_for_patient, record_feedback
from ..services.checkins import pain_chart, record_check_in
from ..services.errors import PortalActionError
from ..services.flares import open_flare
from ..services.patients import current_exercises, plans_for_patient
from ..services.plan_view import plan_overview
from ..services.questionnaires import (
    in_plain_words,
    last_named_activities,
    patient_questionnaire_trends,
    record_questionnaire,
)
from ..services.submissions import SubmissionConflict

logger = logging.getLogger(__name__)

RECENT_PAIN_WINDOW = datetime.timedelta(days=14)
# What the page that could not save a check-in tells clients about trying again.
RETRY_AFTER_SECONDS = 30


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
    pain = pain_chart(patient)
    return render(
        request,
        "patientportal/my_plan.html",
        {
            "patient": patient,
            "overview": plan_overview(plan, pain.points),
            "other_plans": [other for other in plans if other.pk != plan.pk],
            "unread_count": ReadingAssignment.objects.filter(
                plan=plan, read_at__isnull=True
            ).count(),
            "pain_chart": pain,
            "recent_pain": pain.recent_average(timezone.localdate() - RECENT_PAIN_WINDOW),
            "questionnaires": patient_questionnaire_trends(patient),
            # Offered always, as before schedules: the others once the patient has answered them.
            "odi": ODI,
            "flare": open_flare(patient),
            "flare_form": StartFlareForm(),
        },
    )


@patient_required
def my_reading(request: HttpRequest, patient: Patient) -> HttpResponse:
    return reading_list(request, patient)


def reading_list(
    request: HttpRequest,
    patient: Patient,
    refused: tuple[int, ReadingFeedbackForm] | None = None,
) -> HttpResponse:
    """The patient's reading list, recorded as viewed. ``refused``: the assignment whose
    feedback did not validate and its form, shown with the form's messages (400)."""
    assignments = list(reading_for_patient(patient))
    record_view(
        request.user,
        patient,
        "reading list",
        request=request,
        patient=patient,
        assignments=len(assignments),
    )
    refused_id, form = refused if refused is not None else (None, None)
    for assignment in assignments:
        assignment.feedback_form = form if assignment.pk == refused_id else None
    return render(
        request,
        "patientportal/my_reading.html",
        {
            "patient": patient,
            "unread": [a for a in assignments if a.read_at is None],
            "read": [a for a in assignments if a.read_at is not None],
            "refused": next((a for a in assignments if a.pk == refused_id), None),
        },
        status=200 if refused is None else 400,
    )


@require_POST
@patient_required
def reading_feedback(request: HttpRequest, patient: Patient, assignment_id: int) -> HttpResponse:
    assignment = get_object_or_404(
        reading_for_patient(patient).select_related("plan__patient"), pk=assignment_id
    )
    form = ReadingFeedbackForm(request.POST)
    if not form.is_valid():
        return reading_list(request, patient, refused=(assignment.pk, form))
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
    """The check-in form. Red flags in the answers always bring the urgent advice: on the
    next page once saved, on the form shown again (400, 409), and on a page of its own
    (503) when saving failed, whatever failed (``urgent_advice_unsaved``)."""
    exercises = list(current_exercises(patient))
    form = CheckInForm(request.POST if request.method == "POST" else None, exercises=exercises)
    if request.method != "POST":
        record_view(
            request.user,
            patient,
            "check-in form",
            request=request,
            patient=patient,
            exercises=[a.pk for a in exercises],
        )
        return render(request, "patientportal/check_in.html", {"form": form})
    status = 400
    if form.is_valid():
        try:
            saved = record_check_in(
                patient,
                request.user,
                pain_score=form.cleaned_data["pain_score"],
                activity_outcomes=form.activity_outcomes(),
                note=form.cleaned_data["note"],
                red_flags=form.cleaned_data["red_flags"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except SubmissionConflict as conflict:
            form.add_error(None, str(conflict))
            form.renew_submission_key()
            status = 409
        except PortalActionError as error:
            form.add_error(None, str(error))
        except Exception:
            if not form.cleaned_data["red_flags"]:
                raise
            return urgent_advice_unsaved(request, patient, form)
        else:
            if saved.has_red_flags:
                return redirect("patientportal:check-in-urgent", check_in_id=saved.pk)
            messages.success(request, "Thank you. Your check-in is saved.")
            return redirect("patientportal:plan")
    context = {"form": form, "urgent_flags": form.red_flag_labels()}
    return render(request, "patientportal/check_in.html", context, status=status)


def urgent_advice_unsaved(
    request: HttpRequest, patient: Patient, form: CheckInForm
) -> HttpResponse:
    """Answers with red flags that could not be saved (the database or the task queue
    failed): the urgent advice all the same, saying that the team was not told, with a
    button that sends the same answers (and key) again. Nothing here asks the database:
    the page stands alone, and this cannot be recorded in the audit trail, only logged."""
    logger.exception(
        "A check-in with red flags could not be saved (patient %s); urgent advice shown.",
        patient.pk,
    )
    response = render(
        request,
        "patientportal/urgent_unsaved.html",
        {"form": form, "labels": form.red_flag_labels()},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@patient_required
def check_in_urgent(request: HttpRequest, patient: Patient, check_in_id: int) -> HttpResponse:
    saved = get_object_or_404(CheckIn, pk=check_in_id, patient=patient)
    if not saved.has_red_flags:
        return redirect("patientportal:plan")
    record_event(request.user, AuditAction.VIEWED, saved, request=request, patient=patient)
    return render(request, "patientportal/urgent.html", {"check_in": saved})


@patient_required
def questionnaire(request: HttpRequest, patient: Patient, code: str) -> HttpResponse:
    """Any instrument's form (404 for a code the registry does not know), recorded as
    viewed (the PSFS's shows the activities named last time). Saved, it goes back to the
    plan page with the result in plain words.

    An answer that sets off a safety item (the PHQ-9's self-harm item, anything but "not
    at all") always brings the crisis advice first: on a page of its own once saved (and
    when the same submission is sent again), on the form shown again (400, 409), and on a
    page that stands alone (503) when saving failed, whatever failed
    (``crisis_advice_unsaved``)."""
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404("No such questionnaire.")
    form = AnswerQuestionnaireForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        activity_names=last_named_activities(patient, instrument),
    )
    context = {"form": form, "instrument": instrument}
    if request.method != "POST":
        record_view(
            request.user,
            patient,
            "questionnaire form",
            request=request,
            patient=patient,
            instrument=instrument.code,
        )
        return render(request, "patientportal/questionnaire.html", context)
    status = 400
    if form.is_valid():
        try:
            recorded = record_questionnaire(
                patient,
                request.user,
                instrument,
                form.answers(),
                submission_key=form.cleaned_data["submission_key"],
            )
        except SubmissionConflict as conflict:
            form.add_error(None, str(conflict))
            form.renew_submission_key()
            status = 409
        except Exception:
            if not form.safety_concerns():
                raise
            return crisis_advice_unsaved(request, patient, form)
        else:
            if recorded.stored.safety_fired:
                return redirect("patientportal:questionnaire-support", result_id=recorded.stored.pk)
            messages.success(request, in_plain_words(recorded))
            return redirect("patientportal:plan")
    context["crisis"] = bool(form.safety_concerns())
    return render(request, "patientportal/questionnaire.html", context, status=status)


def crisis_advice_unsaved(
    request: HttpRequest, patient: Patient, form: AnswerQuestionnaireForm
) -> HttpResponse:
    """A safety answer that could not be saved (the database or the task queue failed): the
    crisis advice all the same, saying that the team was not told, with a button that sends
    the same answers (and key) again. Like ``urgent_advice_unsaved``, nothing here asks the
    database, and it can only be logged, not audited."""
    logger.exception(
        "A questionnaire with a safety answer could not be saved (patient %s); crisis advice "
        "shown.",
        patient.pk,
    )
    response = render(
        request,
        "patientportal/questionnaire_unsaved.html",
        {"form": form, "instrument": form.instrument},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@patient_required
def questionnaire_support(request: HttpRequest, patient: Patient, result_id: int) -> HttpResponse:
    """The crisis advice after a saved questionnaire with a safety answer (the team has been
    alerted); any other result of the patient's goes to the plan page."""
    saved = get_object_or_404(QuestionnaireResult, pk=result_id, patient=patient)
    if not saved.safety_fired:
        return redirect("patientportal:plan")
    record_view(
        request.user,
        saved,
        "crisis advice",
        request=request,
        patient=patient,
    )
    return render(request, "patientportal/questionnaire_support.html", {"result": saved})
