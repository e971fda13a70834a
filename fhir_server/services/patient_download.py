"""The patient's own copy of their whole record as one FHIR Bundle (type "collection"):
their Patient resource, every plan meant for them with its team and the goals they see,
their pain scores and questionnaire answers, and their assigned reading. How to use:

    bundle = patient_bundle(reader, base_url, site_url)   # reader: a patient's own

The same services decide what is in it as for /fhir/ and /my/, so the download holds
exactly what the patient may read there.
"""

from __future__ import annotations

from typing import Any

from api.services.readers import Reader, readable_plans
from patientportal.services.assigned_reading import reading_for_patient

from ..resources.bundle import entry
from ..resources.document_reference import reading_resource
from .plan_resources import careplan_resources, careteam_resources, goal_resources, own_patient
from .report_resources import (
    Filters,
    pain_observations,
    questionnaire_observations,
    questionnaire_responses,
)


def patient_bundle(reader: Reader, base_url: str, site_url: str) -> dict[str, Any]:
    patient = reader.patient
    if patient is None:
        raise ValueError("Only a patient downloads their own record.")
    plans = readable_plans(reader)
    filters = Filters(patient_id=patient.pk)
    found = [
        own_patient(patient),
        *careplan_resources(reader, plans),
        *careteam_resources(plans),
        *goal_resources(reader, plans),
        *pain_observations(reader, filters),
        *questionnaire_observations(reader, filters),
        *questionnaire_responses(reader, filters),
    ]
    resources = [item.resource for item in found]
    resources += [
        reading_resource(assignment, patient.pk, site_url)
        for assignment in reading_for_patient(patient)
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {key: value for key, value in entry(base_url, resource).items() if key != "search"}
            for resource in resources
        ],
    }
