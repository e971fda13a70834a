"""What the second factor writes to the audit trail: every accepted and every refused code or
step-up password, and every change to a user's second factor. Codes and passwords themselves
are never recorded. (A wrong step-up password is recorded as a failed login by
``accounts.login_trail``, as ``authenticate()`` reports it.)

    record_passed(request, step="verify", method="authenticator app")
    record_refusal(request, "wrong code", step="verify", method="authenticator app")
    record_change(request, AuditAction.CREATED, device, "second factor set up")
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record_event

SECOND_FACTOR_ACCEPTED = "second factor accepted"
CONFIRMED = "identity confirmed before a risky action"


def record_passed(request: HttpRequest, *, step: str, method: str) -> None:
    """The code (or the remembered browser) at login, or the step-up confirmation, accepted."""
    what = CONFIRMED if step == "confirm" else SECOND_FACTOR_ACCEPTED
    detail = {"what": what, "step": step, "method": method}
    record_event(request.user, AuditAction.VERIFIED, None, request=request, detail=detail)


def record_refusal(request: HttpRequest, reason: str, *, step: str, method: str = "") -> None:
    detail = {"reason": reason, "step": step}
    if method:
        detail["method"] = method
    record_event(request.user, AuditAction.DENIED, None, request=request, detail=detail)


def record_change(request: HttpRequest, action: str, obj: models.Model | None, what: str) -> None:
    record_event(request.user, action, obj, request=request, detail={"what": what})
