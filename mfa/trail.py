"""What the second factor writes to the audit trail: every refused code or password, and
every change to a user's second factor. Codes and passwords themselves are never recorded.

    record_refusal(request, "wrong code", step="verify", method="authenticator app")
    record_change(request, AuditAction.CREATED, device, "second factor set up")
"""

from __future__ import annotations

from django.db import models
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record_event


def record_refusal(request: HttpRequest, reason: str, *, step: str, method: str = "") -> None:
    detail = {"reason": reason, "step": step}
    if method:
        detail["method"] = method
    record_event(request.user, AuditAction.DENIED, None, request=request, detail=detail)


def record_change(request: HttpRequest, action: str, obj: models.Model | None, what: str) -> None:
    record_event(request.user, action, obj, request=request, detail={"what": what})
