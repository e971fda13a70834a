"""Observation: what the patient reported, as scores.

- A check-in's pain score: LOINC 72514-3 (0-10 numeric rating), ``valueInteger``;
  ``Observation/pain-<check-in id>``.
- A questionnaire's total, for each instrument with a LOINC code for it (PHQ-9 44261-6,
  GAD-7 70274-6, PEG 91147-9, ODI 97909-6; the PSFS has none, so only its
  QuestionnaireResponse is exported): ``valueQuantity``, a percentage (UCUM "%") for the ODI
  and a score (UCUM "{score}") for the others, the band as its ``interpretation``, derived
  from its QuestionnaireResponse; ``Observation/<code>-<result id>``. ``masked`` (a
  mental-health questionnaire, to a reader who may see only its band): no value, the
  ``dataAbsentReason`` "masked", and ``meta.security`` says so.

``status`` (observation-status, required) is "final": a report is never changed. The
category is HL7's "survey" (the patient answered a question)."""

from __future__ import annotations

from typing import Any

from patientportal.models import CheckIn, QuestionnaireResult
from patientportal.services.questionnaires import as_number
from questionnaires.instruments import Method

from .codes import (
    MASKED,
    PAIN_SEVERITY,
    PERCENT_UNIT,
    REDACTED,
    SCORE_UNIT,
    SURVEY,
    Code,
)
from .references import (
    PAIN_PREFIX,
    instant,
    patient_reference,
    questionnaire_prefix,
    reference,
)


def _observation(resource_id: str, patient_id: int, code: dict[str, Any], when) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": resource_id,
        "status": "final",
        "category": [SURVEY.concept()],
        "code": code,
        "subject": patient_reference(patient_id),
        "effectiveDateTime": instant(when),
        "issued": instant(when),
        "performer": [patient_reference(patient_id)],
    }


def pain_observation(check_in: CheckIn) -> dict[str, Any]:
    resource = _observation(
        f"{PAIN_PREFIX}{check_in.pk}",
        check_in.patient_id,
        PAIN_SEVERITY.concept("Pain (0-10)"),
        check_in.recorded_at,
    )
    resource["valueInteger"] = check_in.pain_score
    return resource


def questionnaire_observation(
    result: QuestionnaireResult, *, masked: bool = False
) -> dict[str, Any] | None:
    """The total's Observation; None for an instrument LOINC has no code for (the PSFS)."""
    instrument = result.definition
    total_code = instrument.total_code
    if total_code is None:
        return None
    resource_id = f"{questionnaire_prefix(instrument.code)}{result.pk}"
    resource = _observation(
        resource_id,
        result.patient_id,
        Code(total_code.system, total_code.code, total_code.display).concept(instrument.title),
        result.completed_at,
    )
    if masked:
        resource["meta"] = {"security": [REDACTED.coding()]}
        resource["dataAbsentReason"] = MASKED.concept()
    else:
        unit = PERCENT_UNIT if instrument.method is Method.PERCENT_OF_POSSIBLE else SCORE_UNIT
        resource["valueQuantity"] = {"value": as_number(result.score), **unit}
    if result.band:
        resource["interpretation"] = [{"text": result.band}]
    resource["derivedFrom"] = [reference("QuestionnaireResponse", resource_id)]
    return resource
