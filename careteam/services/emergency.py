"""Emergency access ("break the glass"): a pain-management physician who is not on a plan's
team reads it, read-only, for ``settings.EMERGENCY_ACCESS_HOURS`` after giving a reason.

How to use it (the /care/emergency/ form does this):

1. ``emergency_plans_for(actor, record_number)``: the open plans of the patient with that
   record number, each with its lead, for the physician to choose one (title and lead
   only; audited as a view of the patient). ``None`` for a number no patient has
   (audited as 'denied').
2. ``emergency_plan(actor, record_number, plan_id)``: the chosen plan, if it is still an
   open plan of that patient.
3. ``open_emergency_access(actor, plan, reason)``: the grant (audited 'granted'); the plan's
   lead and the clinic's privacy officers are emailed, one task each, queued in the grant's
   own transaction (``jobs.handoff``).

``end_emergency_access(actor, grant)`` ends it early (its holder or the plan's lead;
audited 'revoked'); otherwise it simply expires: ``careteam.policy`` reads only active
grants. ``review_emergency_access`` shows a grant's record with every page viewed under it.
Who may do what is ``careteam.policy`` (``ClinicAction.BREAK_THE_GLASS``,
``EmergencyAction``); refusals are recorded like any other.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.privacy import privacy_officers
from audit.services import record_event
from jobs.handoff import enqueue_in_transaction

from ..models import CarePlan, CareTeamMembership, EmergencyAccess, Patient, TeamRole
from ..models.emergency import MAX_REASON_LENGTH, MIN_REASON_LENGTH
from ..policy import (
    OPEN_PLAN_STATUSES,
    Actor,
    ClinicAction,
    EmergencyAction,
    PlanAction,
    PlanRights,
    Rights,
    active_emergency_access,
    is_usable,
    may_break_the_glass,
    may_end_emergency_access,
    may_open_emergency_access,
    may_review_emergency_access,
    plans_where,
    rights_on,
)
from ..tasks import Told, send_emergency_access_email
from ._common import deny
from .plans import MAX_ID

REASON_TOO_SHORT = (
    f"Say why you need this plan now, in at least {MIN_REASON_LENGTH} characters: the "
    "plan's lead and the clinic's privacy officers read it."
)
NO_SUCH_RECORD_NUMBER = "No patient has this record number."
NO_SUCH_OPEN_PLAN = "Choose one of this patient's open care plans."


@dataclass(frozen=True)
class EmergencyCandidate:
    """One open plan of the patient, as the physician chooses among them: its title and
    lead only, and whether they can already open it (team member, or an active grant)."""

    plan: CarePlan
    lead_name: str
    rights: Rights


def access_duration() -> datetime.timedelta:
    """How long a grant lasts (``settings.EMERGENCY_ACCESS_HOURS``, a whole number >= 1)."""
    hours = settings.EMERGENCY_ACCESS_HOURS
    if not isinstance(hours, int) or hours < 1:
        raise ImproperlyConfigured(f"EMERGENCY_ACCESS_HOURS must be 1 or more, not {hours!r}.")
    return datetime.timedelta(hours=hours)


def clean_reason(reason: str) -> str:
    """The reason, stripped; ``ValidationError`` if it is too short or too long."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": REASON_TOO_SHORT})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationError(
            {"reason": f"Keep the reason to {MAX_REASON_LENGTH} characters or fewer."}
        )
    return reason


def _require_break_the_glass(actor: Actor, *, plan: CarePlan | None = None) -> None:
    if not may_break_the_glass(actor):
        raise deny(actor, ClinicAction.BREAK_THE_GLASS, plan=plan, hide_existence=False)


def _patient(record_number: str) -> Patient | None:
    record_number = (record_number or "").strip()
    if not record_number:
        return None
    return Patient.objects.filter(record_number__iexact=record_number).first()


def emergency_plans_for(actor: Actor, record_number: str) -> list[EmergencyCandidate] | None:
    """The open plans of the patient with ``record_number`` (any case), for a physician
    who may break the glass; ``None`` (recorded as 'denied') for a number no patient has.
    A physician may open any patient's plan in an emergency, so an unknown number is said
    plainly. Showing the list is recorded as a view of the patient."""
    _require_break_the_glass(actor)
    patient = _patient(record_number)
    if patient is None:
        deny(actor, ClinicAction.BREAK_THE_GLASS, reason="no such record number")
        return None
    lead = CareTeamMembership.objects.active().filter(plan=OuterRef("pk"), role=TeamRole.LEAD)
    plans = list(
        CarePlan.objects.filter(patient=patient, status__in=OPEN_PLAN_STATUSES)
        .annotate(
            lead_first=Subquery(lead.values("user__first_name")[:1]),
            lead_last=Subquery(lead.values("user__last_name")[:1]),
            lead_username=Subquery(lead.values("user__username")[:1]),
        )
        .order_by("title", "pk")
    )
    rights = PlanRights(actor, plans)
    record_event(
        actor,
        AuditAction.VIEWED,
        patient,
        patient=patient,
        detail={"what": "emergency_plan_choice", "plans": [plan.pk for plan in plans]},
    )
    return [
        EmergencyCandidate(
            plan=plan,
            lead_name=(
                f"{plan.lead_first or ''} {plan.lead_last or ''}".strip()
                or plan.lead_username
                or "no lead"
            ),
            rights=rights.on(plan),
        )
        for plan in plans
    ]


def emergency_plan(actor: Actor, record_number: str, plan_id: Any) -> CarePlan | None:
    """The plan chosen from ``emergency_plans_for``, if it is still an open plan of the
    patient with ``record_number``; else ``None``, recorded as 'denied'."""
    _require_break_the_glass(actor)
    patient = _patient(record_number)
    try:
        plan_pk = int(plan_id)
    except (TypeError, ValueError):
        plan_pk = 0
    plan = None
    if patient is not None and 0 < plan_pk < MAX_ID:
        plan = (
            CarePlan.objects.select_related("patient")
            .filter(pk=plan_pk, patient=patient, status__in=OPEN_PLAN_STATUSES)
            .first()
        )
    if plan is None:
        reason = "no such record number" if patient is None else "no such open plan"
        deny(actor, ClinicAction.BREAK_THE_GLASS, patient=patient, reason=reason)
    return plan


def open_emergency_access(actor: User, plan: CarePlan, reason: str) -> EmergencyAccess:
    """Open ``plan`` read-only to ``actor`` for ``EMERGENCY_ACCESS_HOURS``; returns the grant.

    The policy is asked first (``ClinicAction.BREAK_THE_GLASS``, 403 and recorded) and
    again with the plan row locked, so two requests cannot both open a grant. Asking again
    while a grant is active returns that grant (no second email). Records 'granted' with
    the reason and emails the plan's lead and the privacy officers (queued with the grant).
    """
    _require_break_the_glass(actor, plan=plan)
    reason = clean_reason(reason)
    with transaction.atomic():
        locked = CarePlan.objects.select_for_update().only("pk", "status").get(pk=plan.pk)
        allowed = may_open_emergency_access(actor, locked)
        existing = active_emergency_access(actor, plan) if allowed else None
        if existing is not None:
            return existing
        if allowed:
            now = timezone.now()
            grant = EmergencyAccess.objects.create(
                plan=plan,
                user=actor,
                reason=reason,
                started_at=now,
                expires_at=now + access_duration(),
            )
            record_event(
                actor,
                AuditAction.GRANTED,
                grant,
                plan=plan,
                detail={
                    "emergency_access": grant.pk,
                    "user": actor.get_username(),
                    "reason": reason,
                    "expires_at": grant.expires_at,
                },
            )
            for user_id, told_as in _told_of_emergency_access(plan):
                enqueue_in_transaction(send_emergency_access_email, grant.pk, user_id, told_as)
            return grant
    # Recorded outside the transaction, so the record stays.
    raise deny(
        actor,
        ClinicAction.BREAK_THE_GLASS,
        plan=plan,
        hide_existence=False,
        reason="on the team already" if locked.status in OPEN_PLAN_STATUSES else "plan not open",
    )


def _told_of_emergency_access(plan: CarePlan) -> list[tuple[int, str]]:
    """Who is emailed when ``plan`` is opened in an emergency, as (user id, ``Told``): its
    active lead and every privacy officer, once per email address, the lead first."""
    told: dict[str, tuple[int, str]] = {}
    lead = (
        CareTeamMembership.objects.active()
        .filter(plan=plan, role=TeamRole.LEAD)
        .select_related("user")
        .first()
    )
    if lead is not None and lead.user.email and lead.user.is_active:
        told[lead.user.email.lower()] = (lead.user.pk, Told.LEAD.value)
    for officer in privacy_officers():
        if officer.email:
            told.setdefault(officer.email.lower(), (officer.pk, Told.PRIVACY_OFFICER.value))
    return list(told.values())


def _knows_of(actor: Actor, grant: EmergencyAccess) -> bool:
    """Whether a refusal about ``grant`` may say more than 404: the actor may review it or
    sees its plan (where history shows the grant)."""
    return may_review_emergency_access(actor, grant) or rights_on(actor, grant.plan).can_view


def get_emergency_access(actor: Actor, grant_id: Any, action: EmergencyAction) -> EmergencyAccess:
    """The grant with its plan, patient and people, if the policy lets ``actor`` take
    ``action`` on it; else ``CareAccessDenied`` (404 for a grant they may not know of),
    recorded."""
    try:
        pk = int(grant_id)
    except (TypeError, ValueError):
        pk = 0
    grant = (
        EmergencyAccess.objects.select_related("plan__patient", "user", "ended_by")
        .filter(pk=pk)
        .first()
        if 0 < pk < MAX_ID
        else None
    )
    if grant is None:
        raise deny(actor, action, reason="no such emergency access")
    allowed = (
        may_review_emergency_access(actor, grant)
        if action is EmergencyAction.REVIEW
        else may_end_emergency_access(actor, grant)
    )
    if not allowed:
        raise deny(
            actor, action, plan=grant.plan, obj=grant, hide_existence=not _knows_of(actor, grant)
        )
    return grant


def end_emergency_access(actor: User, grant: EmergencyAccess) -> bool:
    """End ``grant`` now (its holder or the plan's lead; checked again with the lead's
    membership row locked). Records 'revoked'. False when it had already ended or expired:
    nothing to do."""
    if not may_end_emergency_access(actor, grant):
        raise deny(
            actor,
            EmergencyAction.END,
            plan=grant.plan,
            obj=grant,
            hide_existence=not _knows_of(actor, grant),
        )
    with transaction.atomic():
        allowed = may_end_emergency_access(actor, grant, lock=True)
        now = timezone.now()
        ended = allowed and bool(
            EmergencyAccess.objects.filter(
                pk=grant.pk, ended_at__isnull=True, expires_at__gt=now
            ).update(ended_at=now, ended_by=actor)
        )
        if ended:
            grant.ended_at, grant.ended_by = now, actor
            record_event(
                actor,
                AuditAction.REVOKED,
                grant,
                plan=grant.plan,
                detail={"emergency_access": grant.pk, "user": grant.user.get_username()},
            )
    if not allowed:
        raise deny(actor, EmergencyAction.END, plan=grant.plan, obj=grant, hide_existence=False)
    return ended


def review_emergency_access(
    actor: Actor, grant_id: Any
) -> tuple[EmergencyAccess, QuerySet[AuditEvent]]:
    """A grant's record and every audit event marked with it (what was viewed under it),
    oldest first, for its holder, the plan's lead and the privacy officers; the read is
    recorded."""
    grant = get_emergency_access(actor, grant_id, EmergencyAction.REVIEW)
    record_event(
        actor,
        AuditAction.VIEWED,
        grant,
        plan=grant.plan,
        detail={"what": "emergency_access_review", "grant": grant.pk},
    )
    events = (
        AuditEvent.objects.filter(detail__emergency_access=grant.pk)
        .select_related("actor")
        .order_by("occurred_at", "pk")
    )
    return grant, events


def emergency_accesses_for(user: Actor) -> list[EmergencyAccess]:
    """Active grants the user holds, and those on plans whose team they manage (the lead
    is shown who is reading their patients' plans): one query, for the dashboard."""
    if not is_usable(user):
        return []
    return list(
        EmergencyAccess.objects.active()
        .filter(Q(user=user) | Q(plan__in=plans_where(user, PlanAction.MANAGE_TEAM)))
        .select_related("plan__patient", "user")
        .order_by("expires_at", "pk")
    )


def active_emergency_accesses(plan: CarePlan) -> list[EmergencyAccess]:
    """The grants active on ``plan`` now, for its team (the plan page)."""
    return list(
        EmergencyAccess.objects.active()
        .filter(plan=plan)
        .select_related("user", "user__provider_profile")
        .order_by("expires_at", "pk")
    )
