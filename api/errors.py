"""Every refusal and error of an API, decided once and written in the API's own format:
RFC 9457 problem details (``application/problem+json``) for ``/api/v1/``, an
``OperationOutcome`` for ``/fhir/``. How to use:

    api = NinjaAPI(...)
    install_error_handlers(api, problem_response)   # or the FHIR app's own writer

Bad input is a 4xx with what was wrong, never a 500: ninja's validation errors (422, each
field named), questionnaire answers the engine cannot score (422), Django's
``ValidationError`` (400), a refusal by the policy (404 when the
caller may not see the plan at all, else 403, already audited by the service), a stale
``If-Match`` (412), a missing one (428), too many calls (429 with ``Retry-After``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from careteam.services.errors import CareAccessDenied, StaleVersionError
from patientportal.services.alerts import AlertAlreadyAcknowledged
from patientportal.services.errors import PortalAccessDenied, PortalActionError
from questionnaires.scoring import ScoringError

PROBLEM_TYPE_BASE = "https://clinic-portal.example/problems/"


@dataclass
class Problem:
    status: int
    title: str
    detail: str = ""
    kind: str = "about:blank"  # the problem type's last part, under PROBLEM_TYPE_BASE
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class PreconditionRequired(Exception):
    """A change sent without ``If-Match``."""


class PreconditionFailed(Exception):
    """``If-Match`` names a version that is no longer the current one."""

    def __init__(self, current_etag: str | None = None) -> None:
        super().__init__("Someone changed this since you read it.")
        self.current_etag = current_etag


Respond = Callable[[HttpRequest, Problem], HttpResponse]


def problem_for(exc: Exception) -> Problem | None:
    """The problem an exception stands for; None for one that is a fault of ours (500)."""
    if isinstance(exc, NinjaValidationError):
        return Problem(
            422,
            "The request is not valid",
            "Some fields are missing or wrong; each is listed under errors.",
            "invalid-request",
            errors=[
                {
                    "field": ".".join(str(part) for part in error.get("loc", ())),
                    "message": error.get("msg", ""),
                }
                for error in exc.errors
            ],
        )
    if isinstance(exc, DjangoValidationError):
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        return Problem(
            400,
            "The change was not saved",
            " ".join(text for texts in messages.values() for text in texts),
            "invalid-change",
            errors=[
                {"field": name, "message": text}
                for name, texts in messages.items()
                for text in texts
            ],
        )
    if isinstance(exc, CareAccessDenied):
        if exc.hide_existence:
            return Problem(404, "Not found", "There is nothing here that you can see.", "not-found")
        return Problem(403, "Not allowed", str(exc), "forbidden")
    if isinstance(exc, PortalAccessDenied):
        return Problem(404, "Not found", "There is nothing here that you can see.", "not-found")
    if isinstance(exc, AlertAlreadyAcknowledged):
        return Problem(409, "Already acknowledged", str(exc), "already-acknowledged")
    if isinstance(exc, ScoringError):
        return Problem(
            422,
            "The answers cannot be scored",
            str(exc),
            "invalid-answers",
            errors=[{"field": "answers", "message": str(exc)}],
        )
    if isinstance(exc, PortalActionError):
        return Problem(400, "The request was not accepted", str(exc), "invalid-change")
    if isinstance(exc, PermissionError):
        return Problem(403, "Not allowed", str(exc), "forbidden")
    if isinstance(exc, Http404):
        return Problem(404, "Not found", "There is nothing here that you can see.", "not-found")
    if isinstance(exc, StaleVersionError):
        return Problem(412, "Changed since you read it", str(exc), "stale-version")
    if isinstance(exc, PreconditionFailed):
        headers = {"ETag": exc.current_etag} if exc.current_etag else {}
        return Problem(412, "Changed since you read it", str(exc), "stale-version", headers=headers)
    if isinstance(exc, PreconditionRequired):
        return Problem(
            428,
            "If-Match is required",
            "Read the record first and send its ETag in If-Match, so that nobody's change is "
            "overwritten.",
            "if-match-required",
        )
    if isinstance(exc, Throttled):
        wait = max(1, int(exc.wait or 1))
        return Problem(
            429,
            "Too many requests",
            f"This token has made too many calls. Try again in {wait} seconds.",
            "rate-limited",
            headers={"Retry-After": str(wait)},
        )
    if isinstance(exc, AuthenticationError):
        return Problem(
            401,
            "Authentication required",
            "Log in, or send a valid API token as Authorization: Bearer <token>.",
            "unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )
    if isinstance(exc, HttpError):
        return Problem(exc.status_code, str(exc.message), kind="http-error")
    return None


def problem_response(request: HttpRequest, problem: Problem) -> HttpResponse:
    """RFC 9457 problem details."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + problem.kind
        if problem.kind != "about:blank"
        else "about:blank",
        "title": problem.title,
        "status": problem.status,
        "instance": request.path,
    }
    if problem.detail:
        body["detail"] = problem.detail
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder),
        status=problem.status,
        content_type="application/problem+json",
    )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def bad_request_problem(request: HttpRequest, message: str) -> HttpResponse:
    """A request the site's safeguards refuse before the API sees it (a NUL character:
    ``core.middleware``), answered as every other API error is."""
    return problem_response(request, Problem(400, "Bad Request", detail=message))


HANDLED = (
    NinjaValidationError,
    DjangoValidationError,
    CareAccessDenied,
    PortalAccessDenied,
    PortalActionError,
    ScoringError,
    PermissionError,
    Http404,
    StaleVersionError,
    PreconditionFailed,
    PreconditionRequired,
    Throttled,
    AuthenticationError,
    HttpError,
)


def _answer(respond: Respond, request: HttpRequest, exc: Exception) -> HttpResponse:
    problem = problem_for(exc)
    if problem is None:
        raise exc
    return respond(request, problem)


def install_error_handlers(api: NinjaAPI, respond: Respond) -> None:
    """Answer every exception in ``HANDLED`` through ``respond``."""
    for exc_class in HANDLED:
        api.add_exception_handler(exc_class, partial(_answer, respond))
