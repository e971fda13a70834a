"""FHIR's JSON media type for every answer at /fhir/, errors as ``OperationOutcome``.

``FhirJSONRenderer`` is the ``NinjaAPI``'s renderer; ``outcome_response`` is the responder
``api.errors.install_error_handlers`` calls with each problem (same status codes and
headers as the JSON API's problem details, FHIR's body)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer

from api.errors import Problem

from .resources.operation_outcome import operation_outcome

FHIR_JSON = "application/fhir+json"


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON


def outcome_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    diagnostics = problem.detail or problem.title
    unsaid = [error for error in problem.errors if error.get("message", "") not in diagnostics]
    if unsaid:
        diagnostics += " " + "; ".join(
            f"{error.get('field') or 'request'}: {error.get('message', '')}" for error in unsaid
        )
    response = HttpResponse(
        json.dumps(operation_outcome(problem.status, diagnostics)),
        status=problem.status,
        content_type=f"{FHIR_JSON}; charset=utf-8",
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response
