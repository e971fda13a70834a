"""What the OpenAPI schema says beyond what django-ninja reads off the views: the errors
every operation may answer (RFC 9457, ``application/problem+json``), the ``If-Match`` a
change needs and the ``ETag`` a read gives, so that a client (and schemathesis) knows every
status and header it can meet. ``ClinicApi`` applies it to the generated schema."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from .schemas import ProblemOut

PROBLEM_JSON = "application/problem+json"
REF_TEMPLATE = "#/components/schemas/{model}"
PROBLEM_REF = {"$ref": "#/components/schemas/ProblemOut"}
# Every operation: bad input, not logged in, not allowed, not found, too many calls.
ALWAYS = {
    "400": "The request or the change is not valid.",
    "401": "No valid token or session.",
    "403": "You may see this plan but not do this.",
    "404": "Nothing here that you can see.",
    "422": "A field is missing or wrong (each listed under errors).",
    "429": "Too many calls from this token: wait Retry-After seconds.",
}
CHANGES = {
    "409": "Someone else did this first.",
    "412": "Changed since you read it: read it again (the current ETag is sent).",
    "428": "Send If-Match with the ETag of what you read.",
}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": "The ETag of the record as you read it.",
    "schema": {"type": "string"},
}
ETAG_HEADER = {"ETag": {"description": "The record's version.", "schema": {"type": "string"}}}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}


def _problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}},
    }
    if headers:
        response["headers"] = headers
    return response


def _is_versioned_change(path: str, method: str) -> bool:
    """PATCH and DELETE of a versioned record (not a team member, who has no version)."""
    return method in ("patch", "delete") and "/team/" not in path


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with the errors, ``If-Match`` and ``ETag`` of every operation added."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ProblemOut"] = ProblemOut.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = dict(ALWAYS)
            if method != "get":
                errors |= {"409": CHANGES["409"]}
            if method == "post" and path.endswith("/check-ins"):
                errors["503"] = "Not saved (the urgent advice still comes, in urgent_advice)."
            if _is_versioned_change(path, method):
                errors |= CHANGES
                operation.setdefault("parameters", []).append(IF_MATCH)
            for status, description in errors.items():
                headers = RETRY_AFTER if status == "429" else None
                if status == "412":
                    headers = ETAG_HEADER
                responses.setdefault(status, _problem(description, headers))
            for status, response in responses.items():
                if status in ("200", "201") and "{" in path:
                    response.setdefault("headers", {}).update(ETAG_HEADER)
    return schema


class ClinicApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document(super().get_openapi_schema(**kwargs))
