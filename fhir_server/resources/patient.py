"""Patient: who the plan is about (name, date of birth, the clinic's record number)."""

from __future__ import annotations

from typing import Any

from careteam.models import Patient

from .codes import MRN_SYSTEM
from .references import meta, without_empty


def patient_resource(patient: Patient) -> dict[str, Any]:
    return without_empty(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "meta": meta(patient.version, patient.updated_at),
            "identifier": [{"use": "usual", "system": MRN_SYSTEM, "value": patient.record_number}],
            "active": True,
            "name": [
                {
                    "use": "official",
                    "family": patient.family_name,
                    "given": [patient.given_name],
                    "text": patient.full_name,
                }
            ],
            "birthDate": patient.date_of_birth.isoformat(),
        }
    )
