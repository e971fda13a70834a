"""What the patient records and the team reads: ``/api/v1/plans/{plan_id}/reading``,
``…/check-ins``, ``…/questionnaire-results`` and ``…/alerts`` (acknowledged by the team),
and the patient's own ``POST /api/v1/check-ins`` and ``POST /api/v1/questionnaire-results/<code>``.

A check-in with a red flag answers with the urgent advice in ``urgent_advice``, to show
before anything else, and raises the team's alert as the check-in page does; if saving
fails, the advice still comes back (503), as on the page.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Status

from careteam.policy import PlanAction
from patientportal.models import (
    CheckIn,
    QuestionnaireResult,
    ReadingAssignment,
    RedFlag,
    RedFlagAlert,
)
from patientportal.services.alerts import acknowledge_alert
from patientportal.services.assigned_reading import reading_for_plan
from patientportal.services.checkins import record_check_in
from patientportal.services.errors import PortalAccessDenied
from patientportal.services.questionnaires import as_number, record_questionnaire
from questionnaires.answers import ActivityAnswer, Answer
from questionnaires.instruments import INSTRUMENTS

from ..auth import caller
from ..errors import Problem, problem_response
from ..schemas import (
    AcknowledgementIn,
    ActivityAnswerIn,
    AlertOut,
    CheckInIn,
    CheckInOut,
    CheckInSaved,
    QuestionnaireAnswersIn,
    QuestionnaireResultOut,
    ReadingOut,
)
from ..services.readers import (
    readable_plan,
    reader_for,
    record_read,
    sees_mental_health_results,
    team_only,
)

router = Router(tags=["Reading, check-ins, questionnaires and red-flag alerts"])
logger = logging.getLogger(__name__)


def urgent_advice(flags: Sequence[str]) -> str:
    number = settings.CLINIC_EMERGENCY_NUMBER
    told = "; ".join(RedFlag(flag).label for flag in flags)
    return (
        f"Get urgent medical help now: call {number} or go to your nearest emergency "
        f"department. You told us about: {told}. Do not wait to hear from your care team."
    )


def submission_key(request: HttpRequest) -> uuid.UUID | None:
    """``Idempotency-Key`` (a UUID): the same key sent again returns the first answer."""
    header = request.headers.get("Idempotency-Key", "").strip()
    if not header:
        return None
    try:
        return uuid.UUID(header)
    except ValueError:
        raise ValidationError({"Idempotency-Key": "Send a UUID, or leave it out."}) from None


def _patient_of(request: HttpRequest):
    patient = reader_for(caller(request)).patient
    if patient is None:
        raise PortalAccessDenied("Only a patient records their own check-ins.")
    return patient


@router.get("/plans/{plan_id}/reading", response=list[ReadingOut], summary="Assigned reading")
def list_reading(request: HttpRequest, plan_id: int) -> list[ReadingAssignment]:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    assignments = list(reading_for_plan(plan).select_related("page"))
    record_read(reader, plan, what="api reading")
    return assignments


@router.get("/plans/{plan_id}/check-ins", response=list[CheckInOut], summary="Check-ins")
def list_check_ins(request: HttpRequest, plan_id: int) -> list[CheckIn]:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    shared = CheckIn.objects.filter(plans=plan, patient_id=plan.patient_id)
    check_ins = list(shared.order_by("-recorded_at", "-pk")[:200])
    record_read(reader, plan, what="api check-ins")
    return check_ins


@router.get(
    "/plans/{plan_id}/questionnaire-results",
    response=list[QuestionnaireResultOut],
    summary="Questionnaire results (every questionnaire)",
)
def list_questionnaire_results(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    """Newest first. A mental-health questionnaire's total and answers are null for a team
    member who may see only that it was done and its band (as on the plan page)."""
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    shared = QuestionnaireResult.objects.filter(plans=plan, patient_id=plan.patient_id)
    results = list(shared.order_by("-completed_at", "-pk")[:200])
    full = sees_mental_health_results(reader, plan)
    record_read(reader, plan, what="api questionnaire results")
    return [_result_out(result, full or not result.definition.sensitive) for result in results]


def _result_out(result: QuestionnaireResult, full: bool) -> dict[str, Any]:
    return {
        "id": result.pk,
        "questionnaire": result.instrument,
        "title": result.definition.title,
        "completed_at": result.completed_at,
        "total": as_number(result.score) if full else None,
        "band": result.band,
        "answered": result.answered,
        "answers": result.answers if full else None,
    }


@router.get("/plans/{plan_id}/alerts", response=list[AlertOut], summary="Red-flag alerts")
def list_alerts(request: HttpRequest, plan_id: int) -> list[RedFlagAlert]:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    team_only(reader, plan, "red-flag alerts")
    alerts = list(RedFlagAlert.objects.filter(plan=plan).order_by("-created_at", "-pk"))
    record_read(reader, plan, what="api alerts")
    return alerts


@router.post(
    "/plans/{plan_id}/alerts/{alert_id}/acknowledge",
    response=AlertOut,
    summary="Acknowledge a red-flag alert and say what was done",
)
def acknowledge(
    request: HttpRequest, plan_id: int, alert_id: int, acknowledgement: AcknowledgementIn
) -> RedFlagAlert:
    plan = readable_plan(reader_for(caller(request)), plan_id, PlanAction.ACKNOWLEDGE_ALERT)
    alert = get_object_or_404(RedFlagAlert, pk=alert_id, plan=plan)
    alert.plan = plan
    return acknowledge_alert(
        alert, caller(request), outcome=acknowledgement.outcome, note=acknowledgement.note
    )


@router.post(
    "/check-ins",
    response={201: CheckInSaved},
    summary="Check in (patients, for themselves)",
)
def check_in(request: HttpRequest, answers: CheckInIn) -> Status | HttpResponse:
    patient = _patient_of(request)
    key = submission_key(request)
    try:
        saved = record_check_in(
            patient,
            caller(request),
            pain_score=answers.pain_score,
            note=answers.note,
            red_flags=answers.red_flags,
            submission_key=key,
        )
    except Exception:
        if not answers.red_flags:
            raise
        # The advice matters more than the record: give it even when saving failed.
        logger.exception("A check-in with red flags could not be saved")
        return problem_response(
            request,
            Problem(
                503,
                "Your check-in was not saved",
                "Please try again later, and call the clinic.",
                "not-saved",
                extra={"urgent_advice": urgent_advice(answers.red_flags)},
            ),
        )
    advice = urgent_advice(saved.red_flags) if saved.red_flags else None
    return Status(201, {**CheckInOut.model_validate(saved).model_dump(), "urgent_advice": advice})


@router.post(
    "/questionnaire-results/{code}",
    response={201: QuestionnaireResultOut},
    summary="Answer a questionnaire (patients, for themselves)",
)
def answer_questionnaire(
    request: HttpRequest, code: str, answered: QuestionnaireAnswersIn
) -> Status:
    """``code``: phq9, gad7, peg, psfs or odi (404 for any other). Answers the engine cannot
    score (a value not offered, too few answered) are a 422 saying why."""
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise Http404("No such questionnaire.")
    patient = _patient_of(request)
    answers: dict[str, Answer] = {
        key: ActivityAnswer(name=answer.name, rating=answer.rating)
        if isinstance(answer, ActivityAnswerIn)
        else answer
        for key, answer in answered.answers.items()
    }
    recorded = record_questionnaire(
        patient, caller(request), instrument, answers, submission_key=submission_key(request)
    )
    return Status(201, _result_out(recorded.stored, full=True))
