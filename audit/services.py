"""Writing audit events. Call ``record_event`` for every read, change and refusal of
patient data; it never raises for a missing request (services may run outside one).
``record_events`` writes many in one INSERT.

Each event costs one INSERT: the application adds the row's ``content_hash`` and the
database stamps its time (returned with the INSERT) and links it into the hash chain
(``audit.chain``; on PostgreSQL when the transaction commits): re-read the row to see its
chain fields.

The client IP and path come from ``request`` when given, else from the request the
``audit.middleware.AuditContextMiddleware`` saw on this thread/task. Inside that request,
``denied_recorded()`` tells whether a 'denied' event was written, so the middleware can add
one for a refusal that no view recorded.
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest

from .chain import CONTENT_FIELDS, content_hash
from .models import AuditAction, AuditEvent

_current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "audit_current_request", default=None
)


class _RequestTrail:
    """What was recorded during one request. Mutated in place, so a copied context (a
    thread or task the request runs part of its work in) still reports to the request."""

    __slots__ = ("denied",)

    def __init__(self) -> None:
        self.denied = False


_request_trail: contextvars.ContextVar[_RequestTrail | None] = contextvars.ContextVar(
    "audit_request_trail", default=None
)


@contextmanager
def request_context(request: HttpRequest) -> Iterator[None]:
    """Make ``request`` the source of IP and path for events recorded inside the block,
    and start a fresh record of whether a 'denied' event was written."""
    request_token = _current_request.set(request)
    trail_token = _request_trail.set(_RequestTrail())
    try:
        yield
    finally:
        _request_trail.reset(trail_token)
        _current_request.reset(request_token)


def denied_recorded() -> bool:
    """Whether a 'denied' event was recorded in the current ``request_context`` block
    (False outside one)."""
    trail = _request_trail.get()
    return trail is not None and trail.denied


def _note_recorded(actions: Iterable[str]) -> None:
    trail = _request_trail.get()
    if trail is not None and AuditAction.DENIED in actions:
        trail.denied = True


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or with ``AUDIT_TRUSTED_PROXY_COUNT = n`` (n trusted proxies in front),
    the address the nearest trusted proxy saw in X-Forwarded-For. Invalid values give None."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "AUDIT_TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


# A request made through another channel than the site's pages (an API token) names it in
# this attribute; every event the request records says so in ``detail["via"]``.
VIA_ATTRIBUTE = "audit_via"


def _json_safe(detail: dict | None) -> dict:
    if not detail:
        return {}
    return json.loads(json.dumps(detail, cls=DjangoJSONEncoder))


def _plan_and_patient(plan, patient) -> tuple[int | None, int | None]:
    plan_id = getattr(plan, "pk", plan)
    patient_id = getattr(patient, "pk", patient)
    if patient_id is None and plan is not None and not isinstance(plan, int):
        patient_id = getattr(plan, "patient_id", None)
    return plan_id, patient_id


@dataclass(frozen=True)
class EventSpec:
    """One event for ``record_events``: the same arguments as ``record_event``."""

    action: str
    obj: models.Model | None = None
    plan: Any = None
    patient: Any = None
    detail: dict | None = None


def _with_channel(detail: dict | None, request: HttpRequest | None) -> dict | None:
    via = getattr(request, VIA_ATTRIBUTE, "") if request is not None else ""
    return {**(detail or {}), "via": via} if via else detail


def _build_event(
    actor,
    action: str,
    obj: models.Model | None,
    *,
    request: HttpRequest | None,
    plan: Any,
    patient: Any,
    detail: dict | None,
    path: str | None = None,
) -> AuditEvent:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    request = request if request is not None else _current_request.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    plan_id, patient_id = _plan_and_patient(plan, patient)
    event = AuditEvent(
        actor=actor if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        action=action,
        target_content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        target_object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:255] if obj is not None else "",
        care_plan_id=plan_id,
        patient_id=patient_id,
        ip_address=client_ip(request),
        # The path only: a query string can carry a patient's name or a one-time token.
        path=(path if path is not None else request.path if request is not None else "")[:500],
        detail=_json_safe(_with_channel(detail, request)),
    )
    event.content_hash = content_hash({name: getattr(event, name) for name in CONTENT_FIELDS})
    return event


def record_event(
    actor,
    action: str,
    obj: models.Model | None,
    *,
    request: HttpRequest | None = None,
    plan: Any = None,
    patient: Any = None,
    detail: dict | None = None,
    path: str | None = None,
) -> AuditEvent:
    """Append one audit event.

    ``path``: what to record instead of the request's path (one that holds a secret).

    ``plan`` / ``patient`` are model instances or ids; with a plan, the patient id is taken
    from ``plan.patient_id``. ``detail`` must be JSON-serialisable (dates are converted);
    for a change use ``{"changes": {field: [old, new]}}``.
    """
    event = _build_event(
        actor, action, obj, request=request, plan=plan, patient=patient, detail=detail, path=path
    )
    event.save()
    _note_recorded([action])
    return event


def record_view(
    actor,
    obj: models.Model | None,
    what: str,
    *,
    request: HttpRequest | None = None,
    plan: Any = None,
    patient: Any = None,
    **detail: Any,
) -> AuditEvent:
    """Append that ``actor`` viewed ``what`` (a page or an export, in a few words, kept in
    ``detail["what"]``: the one key every trail shows), with any other facts of the view
    (``page_number=2``, ``plans=[...]``) beside it."""
    return record_event(
        actor,
        AuditAction.VIEWED,
        obj,
        request=request,
        plan=plan,
        patient=patient,
        detail={"what": what, **detail},
    )


def record_events(
    actor, events: Iterable[EventSpec], *, request: HttpRequest | None = None
) -> list[AuditEvent]:
    """Append many events in one INSERT (e.g. views of every plan on a listing)."""
    rows = [
        _build_event(
            actor,
            spec.action,
            spec.obj,
            request=request,
            plan=spec.plan,
            patient=spec.patient,
            detail=spec.detail,
        )
        for spec in events
    ]
    if not rows:
        return []
    created = AuditEvent.objects.bulk_create(rows)
    _note_recorded([row.action for row in rows])
    return created
