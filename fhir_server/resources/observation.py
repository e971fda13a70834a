"""Observation: what the patient reported, as scores.

- A check-in's pain score: LOINC 72514-3 (0-10 numeric rating), ``valueInteger``;
  ``Observation/pain-<check-in id>``.
- An ODI result's index: LOINC 97909-6, a percentage (``valueQuantity``, UCUM "%"),
  derived from its QuestionnaireResponse; ``Observation/odi-<response id>``.

``status`` (observation-status, required) is "final": a report is never changed. The
category is HL7's "survey" (the patient answered a question)."""

from __future__ import annotations

from typing import Any

from patientportal.models import CheckIn, OdiResponse

from .codes import ODI_SCORE, PAIN_SEVERITY, PERCENT_UNIT, SURVEY
from .references import ODI_PREFIX, PAIN_PREFIX, instant, patient_reference, reference


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


def odi_observation(response: OdiResponse) -> dict[str, Any]:
    resource = _observation(
        f"{ODI_PREFIX}{response.pk}",
        response.patient_id,
        ODI_SCORE.concept("Oswestry Disability Index"),
        response.completed_at,
    )
    resource["valueQuantity"] = {"value": response.score, **PERCENT_UNIT}
    resource["derivedFrom"] = [reference("QuestionnaireResponse", f"{ODI_PREFIX}{response.pk}")]
    return resource
