"""OperationOutcome: FHIR's error body, for every refusal and bad request at /fhir/.

``issue.severity`` (issue-severity, required) is "error"; ``issue.code`` (issue-type,
required) follows the HTTP status (``ISSUE_TYPES``); ``diagnostics`` is the problem's
detail (or its title)."""

from __future__ import annotations

from typing import Any

# IssueType codes (http://hl7.org/fhir/issue-type) for the statuses /fhir/ answers with.
ISSUE_TYPES: dict[int, str] = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    409: "conflict",
    412: "conflict",
    422: "invalid",
    428: "required",
    429: "throttled",
}
DEFAULT_ISSUE_TYPE = "processing"


def operation_outcome(status: int, diagnostics: str) -> dict[str, Any]:
    issue = {
        "severity": "error",
        "code": ISSUE_TYPES.get(status, DEFAULT_ISSUE_TYPE),
        "diagnostics": diagnostics,
    }
    return {"resourceType": "OperationOutcome", "issue": [issue]}
