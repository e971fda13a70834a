"""A plan's history (what changed, for the team) and audit trail (everything, for the lead).

Both read the audit events: a change event's ``detail["changes"]`` is ``{field: [old,
new]}``, a creation's or deletion's ``detail["values"]`` the values at that moment.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from audit.models import AuditAction, AuditEvent
from audit.services import record_event

from ..models import CarePlan, PrivateNote
from ..policy import Actor, PlanAction
from ._common import require


def plan_history(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[AuditEvent]:
    """Who changed what and when, newest first, for any team member. Private-note events
    are left out unless the actor may read private notes. ``known_perms``: the actor's
    permissions on the plan already read in this request."""
    rights = require(actor, PlanAction.VIEW, plan, known_perms=known_perms)
    events = AuditEvent.objects.for_plan(plan).changes().select_related("actor")
    if not rights.allows(PlanAction.PRIVATE_NOTES):
        events = events.exclude(target_content_type=ContentType.objects.get_for_model(PrivateNote))
    return events


def plan_audit_trail(plan: CarePlan, actor: Actor) -> QuerySet[AuditEvent]:
    """Every event about the plan (views and denials too), newest first, with the dashboard
    views that listed it among others. Lead only; the read is itself recorded."""
    require(actor, PlanAction.VIEW_AUDIT_TRAIL, plan)
    record_event(actor, AuditAction.VIEWED, plan, plan=plan, detail={"what": "audit_trail"})
    return AuditEvent.objects.trail_for_plan(plan).select_related("actor")
