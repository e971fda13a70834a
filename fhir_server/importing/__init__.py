"""Import a CarePlan Bundle made by another system as a new draft plan.

    spec, imported = import_bundle(user, body)   # body: the Bundle's JSON, as bytes
    transaction_response(spec, imported)         # the Bundle to answer with

``POST /fhir/Bundle`` (``http.import_request``) and ``manage.py import_fhir FILE --as
USERNAME`` both come here. In order:

1. the importer must be someone the policy lets start plans (else 403, audited);
2. the body is at most ``MAX_BODY_BYTES`` (413) and JSON (400);
3. the Bundle is read whole (``reading``): a ``transaction`` of one Patient, one CarePlan,
   its Goals and at most its CareTeam; a wrong Bundle type, missing required elements,
   values of the wrong type, codes outside their value sets or unknown to us, references
   that resolve to no entry, and anything we would not keep are ALL listed in one
   ``OperationOutcome``, each issue naming its element (``BundleRefused``; 400, or 422
   when every issue is one of our business rules: see ``issues``);
4. the patient is found by the clinic's record number, never created (404, audited, for
   an unknown number and for a patient the importer may not start a plan for alike);
5. the plan is written through the careteam services as the importer, as a draft, in one
   transaction (``writer``): any failure leaves nothing behind.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import User

from .issues import STRUCTURE, TOO_LONG, BundleRefused, refused
from .reading import read_bundle
from .response import transaction_response
from .spec import PlanSpec
from .writer import ImportedPlan, require_plan_starter, write_plan

MAX_BODY_BYTES = 1024 * 1024

__all__ = [
    "MAX_BODY_BYTES",
    "BundleRefused",
    "ImportedPlan",
    "PlanSpec",
    "import_bundle",
    "parse_json",
    "too_large",
    "transaction_response",
]


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(body: bytes) -> Any:
    """The body as JSON, or ``BundleRefused`` (413 when too large, else 400)."""
    if len(body) > MAX_BODY_BYTES:
        raise too_large()
    try:
        return json.loads(body, parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise refused(STRUCTURE, f"The body is not JSON: {str(error)[:160]}", status=400) from None


def too_large() -> BundleRefused:
    return refused(
        TOO_LONG, f"The body is larger than {MAX_BODY_BYTES} bytes, the most we import.", status=413
    )


def import_bundle(actor: User, body: bytes) -> tuple[PlanSpec, ImportedPlan]:
    """The new draft plan made from the Bundle in ``body``, and what the Bundle asked for."""
    require_plan_starter(actor)
    spec = read_bundle(parse_json(body))
    return spec, write_plan(actor, spec)
