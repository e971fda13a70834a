"""FHIR fixtures: ``fhir_world``, the patient portal's two patients (``portal_world``) with
check-ins and an ODI result shared with their plans, a removed team member, and helpers that
call /fhir/ as someone and check what comes back.

Use them from a test module with ``pytest_plugins = ["tests.fhir_fixtures"]``: the ``fhir``
fixture holds the helpers (``fhir.get``, ``fhir.valid``, ``fhir.binding_errors``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.test import Client

from careteam.models import Discipline, TeamRole
from careteam.services import add_member, remove_member
from patientportal.models import CheckIn, QuestionnaireResult
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import ODI
from tests.careteam_domain_fixtures import make_provider
from tests.patient_fixtures import PortalWorld

FHIR_JSON = "application/fhir+json"
ODI_ANSWERS = dict.fromkeys(ODI.item_keys, 2) | {"sex_life": None}


@dataclass
class FhirWorld:
    portal: PortalWorld
    removed: object
    check_in: CheckIn
    odi: QuestionnaireResult
    other_check_in: CheckIn

    @property
    def plan(self):
        return self.portal.plan

    @property
    def team(self):
        return self.portal.team

    def people_without_rights(self) -> dict[str, object]:
        """Everyone who must get nothing of ``plan`` (anonymous callers aside)."""
        return {
            "provider on no team": self.team.outsider,
            "removed member": self.removed,
            "another patient": self.portal.other_user,
        }


@pytest.fixture
def fhir_world(portal_world: PortalWorld) -> FhirWorld:
    plan = portal_world.plan
    removed = make_provider("t.former", Discipline.PHYSICAL_THERAPY)
    add_member(plan, portal_world.lead, removed, TeamRole.CONTRIBUTOR)
    remove_member(plan, portal_world.lead, removed)
    check_in = record_check_in(portal_world.patient, portal_world.patient_user, pain_score=6)
    record_check_in(portal_world.patient, portal_world.patient_user, pain_score=4)
    odi = record_questionnaire(
        portal_world.patient, portal_world.patient_user, ODI, ODI_ANSWERS
    ).stored
    other_check_in = record_check_in(
        portal_world.other_plan.patient, portal_world.other_user, pain_score=9
    )
    return FhirWorld(portal_world, removed, check_in, odi, other_check_in)


def fhir_get(user, path: str, **params: Any):
    """GET /fhir/<path> as ``user`` (None: anonymous) with a session."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(f"/fhir/{path}", params)


# -- Validation: R4B parsing, and the required bindings fhir.resources does not enforce.

REQUEST_STATUS = {
    "draft",
    "active",
    "on-hold",
    "revoked",
    "completed",
    "entered-in-error",
    "unknown",
}
ISSUE_TYPE = {
    "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown",
    "expired", "forbidden", "suppressed", "processing", "not-supported", "duplicate",
    "multiple-matches", "not-found", "deleted", "too-long", "code-invalid", "extension",
    "too-costly", "business-rule", "conflict", "transient", "lock-error", "no-store",
    "exception", "timeout", "incomplete", "throttled", "informational",
}  # fmt: skip
# Element path -> the codes of its required value set (FHIR R4, hl7.org/fhir/R4).
REQUIRED_BINDINGS: dict[str, set[str]] = {
    "Bundle.type": {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },  # fmt: skip
    "Bundle.entry.search.mode": {"match", "include", "outcome"},
    "CarePlan.status": REQUEST_STATUS,
    "CarePlan.intent": {"proposal", "plan", "order", "option"},
    "CarePlan.activity.detail.status": {
        "not-started",
        "scheduled",
        "in-progress",
        "on-hold",
        "completed",
        "cancelled",
        "stopped",
        "unknown",
        "entered-in-error",
    },  # fmt: skip
    "Goal.lifecycleStatus": {
        "proposed",
        "planned",
        "accepted",
        "active",
        "on-hold",
        "completed",
        "cancelled",
        "entered-in-error",
        "rejected",
    },  # fmt: skip
    "CareTeam.status": {"proposed", "active", "suspended", "inactive", "entered-in-error"},
    "DocumentReference.status": {"current", "superseded", "entered-in-error"},
    "Observation.status": {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },  # fmt: skip
    "QuestionnaireResponse.status": {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },  # fmt: skip
    "OperationOutcome.issue.severity": {"fatal", "error", "warning", "information"},
    "OperationOutcome.issue.code": ISSUE_TYPE,
    "Patient.identifier.use": {"usual", "official", "temp", "secondary", "old"},
    "Patient.name.use": {"usual", "official", "temp", "nickname", "anonymous", "old", "maiden"},
    "CapabilityStatement.status": {"draft", "active", "retired", "unknown"},
    "CapabilityStatement.kind": {"instance", "capability", "requirements"},
    "CapabilityStatement.fhirVersion": {"4.0.0", "4.0.1"},
    "CapabilityStatement.format": {"json", "xml", "ttl", "application/fhir+json"},
    "CapabilityStatement.rest.mode": {"client", "server"},
    "CapabilityStatement.rest.resource.type": {
        "Patient",
        "CarePlan",
        "CareTeam",
        "Goal",
        "Observation",
        "QuestionnaireResponse",
    },  # fmt: skip  (a subset of resource-types: the ones this server may name)
    "CapabilityStatement.rest.resource.versioning": {"no-version", "versioned", "versioned-update"},
    "CapabilityStatement.rest.resource.interaction.code": {
        "read",
        "vread",
        "update",
        "patch",
        "delete",
        "history-instance",
        "history-type",
        "create",
        "search-type",
    },  # fmt: skip
    "CapabilityStatement.rest.resource.searchParam.type": {
        "number",
        "date",
        "string",
        "token",
        "reference",
        "composite",
        "quantity",
        "uri",
        "special",
    },  # fmt: skip
}
# Codes in each code system the server uses (checked wherever a Coding names the system).
KNOWN_CODES: dict[str, set[str]] = {
    # Pain; the totals of the ODI, PHQ-9, GAD-7 and PEG.
    "http://loinc.org": {"72514-3", "97909-6", "44261-6", "70274-6", "91147-9"},
    "http://snomed.info/sct": {"309343006", "36682004", "59944000"},
    "http://unitsofmeasure.org": {"%", "{score}"},
    "http://terminology.hl7.org/CodeSystem/data-absent-reason": {
        "unknown",
        "asked-unknown",
        "temp-unknown",
        "not-asked",
        "asked-declined",
        "masked",
        "not-applicable",
        "unsupported",
        "as-text",
        "error",
        "not-a-number",
        "negative-infinity",
        "positive-infinity",
        "not-performed",
        "not-permitted",
    },  # fmt: skip
    "http://terminology.hl7.org/CodeSystem/v3-ObservationValue": {"REDACTED"},
    "http://terminology.hl7.org/CodeSystem/observation-category": {
        "social-history",
        "vital-signs",
        "imaging",
        "laboratory",
        "procedure",
        "survey",
        "exam",
        "therapy",
        "activity",
    },  # fmt: skip
    "http://terminology.hl7.org/CodeSystem/goal-achievement": {
        "in-progress",
        "improving",
        "worsening",
        "no-change",
        "achieved",
        "sustaining",
        "not-achieved",
        "no-progress",
        "not-attainable",
    },  # fmt: skip
    "http://terminology.hl7.org/CodeSystem/goal-category": {
        "dietary",
        "safety",
        "behavioral",
        "nursing",
        "physiotherapy",
    },  # fmt: skip
}


def _values_at(node: Any, parts: list[str]):
    if isinstance(node, list):
        for item in node:
            yield from _values_at(item, parts)
    elif not parts:
        yield node
    elif isinstance(node, dict) and parts[0] in node:
        yield from _values_at(node[parts[0]], parts[1:])


def _codings(node: Any):
    if isinstance(node, list):
        for item in node:
            yield from _codings(item)
    elif isinstance(node, dict):
        if "system" in node and "code" in node:
            yield node
        for value in node.values():
            yield from _codings(value)


def binding_errors(resource: dict[str, Any]) -> list[str]:
    """Every coded value outside its required value set (or outside the codes we know of
    its code system), in ``resource`` and every resource inside it."""
    errors = []
    resource_type = resource["resourceType"]
    for path, allowed in REQUIRED_BINDINGS.items():
        element_type, *parts = path.split(".")
        if element_type != resource_type:
            continue
        errors += [
            f"{path}={value!r}" for value in _values_at(resource, parts) if value not in allowed
        ]
    for coding in _codings({k: v for k, v in resource.items() if k != "entry"}):
        known = KNOWN_CODES.get(coding["system"])
        if known is not None and coding["code"] not in known:
            errors.append(f"{coding['system']}|{coding['code']}")
    for inner in _values_at(resource, ["entry", "resource"]):
        errors += binding_errors(inner)
    return errors


def valid_fhir(response) -> dict[str, Any]:
    """The response's body, after checking it is FHIR JSON that parses with the R4B models
    and keeps every required binding."""
    assert response["Content-Type"].startswith(FHIR_JSON), response["Content-Type"]
    body = response.json()
    model = getattr(
        import_module(f"fhir.resources.R4B.{body['resourceType'].lower()}"), body["resourceType"]
    )
    model.model_validate(body)
    assert binding_errors(body) == []
    return body


class Fhir:
    """The helpers above as a fixture, so test modules need only ``pytest_plugins``."""

    get = staticmethod(fhir_get)
    valid = staticmethod(valid_fhir)
    binding_errors = staticmethod(binding_errors)


@pytest.fixture
def fhir() -> Fhir:
    return Fhir()
