"""Who may reach which /care/ page: the one place views turn the policy's answers into
404 or 403.

No right to see a plan answers 404, so a URL never reveals that a plan exists. A member
whose role does not allow an action gets 403 with the action's sentence from
``careteam.policy``. Both leave a 'denied' audit event named after the action. Views ask
``access.require(PlanAction.X)``; they never state a rule or a refusal of their own.

Someone who sees the plan only through an emergency access (read-only) reaches the plan
views marked ``@plan_view(..., emergency_readers=True)`` (the plan page and its history)
and gets 403 from every other: a plan view added later, by any app, is closed to them
until it says otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, PlanSection
from careteam.policy import (
    REGISTER_PATIENTS,
    ClinicAction,
    EmergencyAction,
    PlanAction,
    Rights,
    may_open_provider_pages,
    may_register_patients,
    refusal,
)
from careteam.services.errors import CareAccessDenied
from careteam.services.plans import get_plan_with_rights

M = TypeVar("M", bound=models.Model)


class ActionNotAllowed(PermissionDenied):
    """A member of the team asked for something their role does not include."""

    def __init__(self, action: str, *, section: PlanSection | None = None):
        self.reason = refusal(action)
        super().__init__(self.reason)
        self.permission = str(action)
        self.section = section


@dataclass(frozen=True)
class PlanAccess:
    """The plan a request is about, with the user's rights on it (read once per request,
    by the policy's ``rights_on``)."""

    plan: CarePlan
    rights: Rights

    def allows(self, action: PlanAction, section: PlanSection | None = None) -> bool:
        return self.rights.allows_on(self.plan, action, section)

    @property
    def codenames(self) -> frozenset[str]:
        """The user's grants on the plan, for services that take ``known_perms``."""
        return self.rights.codenames

    @property
    def role(self) -> str | None:
        return self.rights.role

    def require(self, action: PlanAction, section: PlanSection | None = None) -> None:
        """Go on only if the policy allows ``action``; else a 403 with its sentence."""
        if not self.allows(action, section):
            raise ActionNotAllowed(action, section=section)


def load_plan(request: HttpRequest, plan_id: int) -> PlanAccess:
    """The plan if the user holds view rights on it; else 404 (recorded as 'denied')."""
    try:
        plan, rights = get_plan_with_rights(request.user, plan_id, with_role=True)
    except CareAccessDenied as exc:
        raise Http404("No such care plan.") from exc
    return PlanAccess(plan=plan, rights=rights)


def deny_not_found(request: HttpRequest, plan: CarePlan | None, what: str, pk: int) -> Http404:
    """Record an id asked for under a plan it does not belong to (another plan's goal,
    section, member or alert) as 'denied', and return the 404 to raise."""
    record_event(
        request.user,
        AuditAction.DENIED,
        None,
        request=request,
        plan=plan,
        detail={"reason": f"no such {what} in this plan", "id": pk},
    )
    return Http404(f"No such {what} in this plan.")


def get_or_deny(request: HttpRequest, queryset: QuerySet[M], plan: CarePlan, /, **lookup) -> M:
    """``queryset.get(**lookup)``, where the lookup ties the row to ``plan``; a missing row
    is a 404 recorded as 'denied' like any other refusal."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise deny_not_found(request, plan, queryset.model._meta.verbose_name, lookup.get("pk"))
    return obj


def render_forbidden(
    request: HttpRequest, reason: str, *, plan: CarePlan | None = None
) -> HttpResponse:
    back_url = (
        reverse("careteam:plan-detail", args=[plan.pk]) if plan else reverse("careteam:dashboard")
    )
    context = {"reason": reason, "back_url": back_url}
    return render(request, "careteam/forbidden.html", context, status=403)


def forbidden(
    request: HttpRequest, exc: ActionNotAllowed, *, plan: CarePlan | None = None
) -> HttpResponse:
    detail = {"reason": exc.reason, "permission": exc.permission}
    if exc.section is not None:
        detail["section"] = exc.section.discipline
    record_event(request.user, AuditAction.DENIED, plan, request=request, plan=plan, detail=detail)
    return render_forbidden(request, exc.reason, plan=plan)


PlanView = Callable[..., HttpResponse]


def plan_view(*methods: str, emergency_readers: bool = False) -> Callable[[PlanView], PlanView]:
    """Decorate a view taking ``(request, access, **kwargs)`` under a ``plan_id`` URL.
    ``emergency_readers``: the view only reads, and serves an emergency access too."""

    def decorator(view: PlanView) -> PlanView:
        @wraps(view)
        def wrapper(request: HttpRequest, plan_id: int, **kwargs) -> HttpResponse:
            access = load_plan(request, plan_id)
            if access.rights.by_emergency and not emergency_readers:
                read_only = ActionNotAllowed(EmergencyAction.READ_ONLY)
                return forbidden(request, read_only, plan=access.plan)
            try:
                return view(request, access, **kwargs)
            except ActionNotAllowed as exc:
                return forbidden(request, exc, plan=access.plan)
            except CareAccessDenied as exc:
                # The service refused and recorded it (e.g. rights changed mid-request).
                if exc.status_code == 404:
                    raise Http404("No such care plan.") from exc
                return render_forbidden(request, str(exc), plan=access.plan)

        return login_required(require_http_methods(list(methods or ["GET"]))(wrapper))

    return decorator


def provider_view(*methods: str, creators_only: bool = False) -> Callable[[PlanView], PlanView]:
    """Decorate a view for providers that is about no plan in particular. With
    ``creators_only`` other providers get 403: starting plans is a physician's right."""

    def decorator(view: PlanView) -> PlanView:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            if not may_open_provider_pages(request.user):
                record_event(
                    request.user,
                    AuditAction.DENIED,
                    None,
                    request=request,
                    detail={
                        "permission": ClinicAction.OPEN_PROVIDER_PAGES,
                        "reason": "not a provider",
                        "path": request.path,
                    },
                )
                raise Http404("Not found.")
            if creators_only and not may_register_patients(request.user):
                return forbidden(request, ActionNotAllowed(REGISTER_PATIENTS))
            return view(request, **kwargs)

        return login_required(require_http_methods(list(methods or ["GET"]))(wrapper))

    return decorator
