"""CapabilityStatement (``GET /fhir/metadata``): exactly what this server does: read and
search of six resource types, the search parameters each takes, and
``CarePlan/$everything``; JSON only; no writes."""

from __future__ import annotations

from typing import Any

from .codes import CLINIC_BASE

FHIR_VERSION = "4.0.1"
RELEASED = "2026-01-01"

# Each type we serve: its search parameters (name, type, what it matches).
SEARCH_PARAMETERS: dict[str, list[tuple[str, str, str]]] = {
    "Patient": [("_id", "token", "The patient's id")],
    "CarePlan": [
        ("_id", "token", "The plan's id"),
        ("patient", "reference", "Plans of this patient (Patient/<id> or <id>)"),
        ("status", "token", "Plans with this status (request-status)"),
    ],
    "CareTeam": [
        ("_id", "token", "The team's id (the plan's id)"),
        ("patient", "reference", "Teams caring for this patient"),
    ],
    "Goal": [
        ("_id", "token", "The goal's id"),
        ("patient", "reference", "Goals of this patient"),
    ],
    "Observation": [
        ("patient", "reference", "Observations of this patient"),
        (
            "code",
            "token",
            "LOINC 72514-3 (pain 0-10), or a questionnaire's total: 44261-6 (PHQ-9), 70274-6 "
            "(GAD-7), 91147-9 (PEG), 97909-6 (ODI); with or without system",
        ),
    ],
    "QuestionnaireResponse": [("patient", "reference", "Responses of this patient")],
}
EVERYTHING = {
    "name": "everything",
    "definition": f"{CLINIC_BASE}/OperationDefinition/CarePlan-everything",
    "documentation": (
        "GET CarePlan/<id>/$everything: a searchset Bundle of the plan, its care team and "
        "goals, the patient, and the observations and questionnaire responses the patient "
        "shared with the plan."
    ),
}


def _resource(resource_type: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "type": resource_type,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "versioning": "no-version",
        "readHistory": False,
        "updateCreate": False,
        "searchParam": [
            {"name": name, "type": kind, "documentation": documentation}
            for name, kind, documentation in SEARCH_PARAMETERS[resource_type]
        ],
    }
    if resource_type == "CarePlan":
        resource["operation"] = [EVERYTHING]
    return resource


def capability_statement(base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": RELEASED,
        "publisher": "The clinic care portal",
        "kind": "instance",
        "software": {"name": "Clinic care portal FHIR server"},
        "implementation": {
            "description": "Care plans, care teams, goals and patient-reported scores",
            "url": base_url,
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Read and search, and a transaction Bundle (POST /fhir/Bundle) that "
                    "imports a CarePlan with its goals and activities as a draft plan. "
                    "Every call but this one needs a bearer token (Authorization: Bearer "
                    "<token>) or a logged-in session, and reads or writes exactly what that "
                    "user may on the site."
                ),
                "security": {
                    "description": "Bearer token or session; 404 for anything the caller "
                    "may not see."
                },
                "resource": [_resource(resource_type) for resource_type in SEARCH_PARAMETERS],
                "interaction": [{"code": "transaction"}],
                "searchParam": [
                    {
                        "name": "_count",
                        "type": "number",
                        "documentation": "Results per page: 100 unless asked, at most 200.",
                    },
                    {
                        "name": "_offset",
                        "type": "number",
                        "documentation": "Where the page starts (the next link carries it).",
                    },
                ],
            }
        ],
    }
