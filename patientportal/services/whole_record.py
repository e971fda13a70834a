"""A patient's whole record, for them to keep: every plan meant for their eyes (its goals,
activities, precautions and team, as on /my/plan/), every check-in, every questionnaire
result and their assigned reading. How to use:

    record = whole_record(patient)     # a fixed number of queries per plan
    record_download(user, patient, "page")   # audit: the patient took a copy

The FHIR Bundle of the same record is built by ``fhir_server`` from the same services.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient

from ..models import CheckIn, QuestionnaireResult, ReadingAssignment
from .assigned_reading import reading_for_patient
from .checkins import pain_chart
from .patients import plans_for_patient
from .plan_view import PlanOverview, plan_overview

# ``detail["what"]`` of the audit event a download records.
WHOLE_RECORD = "whole record"


@dataclass(frozen=True)
class WholeRecord:
    patient: Patient
    plans: list[PlanOverview]
    check_ins: list[CheckIn]
    questionnaires: list[QuestionnaireResult]
    reading: list[ReadingAssignment]


def whole_record(patient: Patient) -> WholeRecord:
    pain = pain_chart(patient).points
    return WholeRecord(
        patient=patient,
        plans=[plan_overview(plan, pain) for plan in plans_for_patient(patient)],
        check_ins=list(patient.check_ins.order_by("-recorded_at", "-pk")),
        questionnaires=list(patient.questionnaire_results.order_by("-completed_at", "-pk")),
        reading=list(reading_for_patient(patient)),
    )


def record_download(user, patient: Patient, form: str) -> None:
    """Audit that the patient took a copy of their whole record (``form``: "page", "fhir")."""
    record_event(
        user,
        AuditAction.VIEWED,
        patient,
        patient=patient,
        detail={"what": WHOLE_RECORD, "form": form},
    )
