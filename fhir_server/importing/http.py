"""``POST /fhir/Bundle``: the HTTP side of the import (``fhir_server.importing``).

    return import_request(request)    # from the route, for an authenticated caller

Answers 201 with the ``transaction-response`` Bundle, or one ``OperationOutcome``: 415 for
a body that is not JSON by its media type, 413 past ``MAX_BODY_BYTES`` (known from
``Content-Length`` before the body is read), 400/422 for a Bundle we refuse. A refusal by
the policy (403/404) and an error of the services go to the API's error handlers.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

from api.auth import caller

from ..rendering import FHIR_JSON
from . import MAX_BODY_BYTES, BundleRefused, import_bundle, too_large, transaction_response
from .issues import NOT_SUPPORTED, refused

MEDIA_TYPES = frozenset({FHIR_JSON, "application/json"})


def fhir_response(body: dict[str, Any], status: int) -> HttpResponse:
    return HttpResponse(json.dumps(body), status=status, content_type=f"{FHIR_JSON}; charset=utf-8")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def import_request(request: HttpRequest) -> HttpResponse:
    try:
        if request.content_type not in MEDIA_TYPES:
            raise refused(NOT_SUPPORTED, f"Send the Bundle as {FHIR_JSON}.", status=415)
        if _declared_length(request) > MAX_BODY_BYTES:
            raise too_large()
        spec, imported = import_bundle(caller(request), request.body)
    except BundleRefused as refusal:
        return fhir_response(refusal.outcome(), refusal.status)
    return fhir_response(transaction_response(spec, imported), 201)
