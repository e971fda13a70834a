"""The problems found in an incoming Bundle, answered as ONE ``OperationOutcome``.

    issues = Issues()
    issues.add(CODE_INVALID, "Bundle.entry[1].resource.status", "'paused' is not ...")
    issues.refuse_if_any()          # raises BundleRefused with every issue found

Each issue names the element it is about as a FHIRPath ``expression`` (and repeats it at
the start of its ``diagnostics``, for the command line). The HTTP status of the whole
answer follows the issues' codes (``BundleRefused.status``): 422 Unprocessable Entity when
every issue is a business rule of this server (a resource type or an element it does not
import), else 400 Bad Request (the content is not a valid transaction Bundle: malformed,
wrong types, missing required elements, codes outside their value sets, references that
resolve to nothing). The size cap answers 413 and an unsupported media type 415.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# IssueType codes (http://hl7.org/fhir/issue-type, required binding).
STRUCTURE = "structure"  # not JSON, not an object, a value of the wrong JSON type
REQUIRED = "required"  # a required element is missing
VALUE = "value"  # a value that is not valid for its element (a date, a length)
CODE_INVALID = "code-invalid"  # a code outside its value set, or one we do not know
NOT_FOUND = "not-found"  # a reference that resolves to no entry of the Bundle
DUPLICATE = "duplicate"  # the same thing twice where one is allowed
NOT_SUPPORTED = "not-supported"  # valid FHIR this server does not import
BUSINESS_RULE = "business-rule"  # valid FHIR that breaks one of our rules
TOO_LONG = "too-long"  # the body is larger than we accept

UNPROCESSABLE = frozenset({NOT_SUPPORTED, BUSINESS_RULE})


@dataclass(frozen=True)
class Issue:
    code: str
    expression: str
    text: str

    @property
    def diagnostics(self) -> str:
        return f"{self.expression}: {self.text}" if self.expression else self.text

    def as_fhir(self) -> dict[str, Any]:
        issue: dict[str, Any] = {
            "severity": "error",
            "code": self.code,
            "diagnostics": self.diagnostics,
        }
        if self.expression:
            issue["expression"] = [self.expression]
        return issue


class BundleRefused(Exception):
    """The Bundle was not imported; nothing was written. ``outcome()`` lists every issue."""

    def __init__(self, issues: list[Issue], status: int | None = None) -> None:
        super().__init__("; ".join(issue.diagnostics for issue in issues))
        self.issues = issues
        self.status = status or (
            422 if all(issue.code in UNPROCESSABLE for issue in issues) else 400
        )

    def outcome(self) -> dict[str, Any]:
        return {
            "resourceType": "OperationOutcome",
            "issue": [issue.as_fhir() for issue in self.issues],
        }


@dataclass
class Issues:
    """Every problem found so far, in the order found."""

    found: list[Issue] = field(default_factory=list)

    def add(self, code: str, expression: str, text: str) -> None:
        self.found.append(Issue(code, expression, text))

    def refuse_if_any(self) -> None:
        if self.found:
            raise BundleRefused(list(self.found))


def refused(code: str, text: str, *, status: int, expression: str = "") -> BundleRefused:
    """A refusal with one issue, before the Bundle could be read at all."""
    return BundleRefused([Issue(code, expression, text)], status)
