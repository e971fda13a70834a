"""A plan's history (what changed, for the team), what changed since a member's last visit,
and the audit trail (everything, for the lead).

All read the audit events: a change event's ``detail["changes"]`` is ``{field: [old,
new]}``, a creation's or deletion's ``detail["values"]`` the values at that moment.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from audit.models import AuditAction, AuditEvent
from audit.services import record_event

from ..models import CarePlan, PrivateNote
from ..policy import Actor, PlanAction
from ._common import require

# ``detail["what"]`` of the view event the plan page records (``record_plan_view``): a
# visit, as "since your last visit" counts them.
PLAN_PAGE = "plan"
CHANGES_SINCE_LAST_VISIT = 10


@dataclass(frozen=True)
class SinceLastVisit:
    """What others changed on a plan since a member's last visit to its page."""

    last_visit: datetime.datetime | None  # None: this is their first
    changes: list[AuditEvent]  # newest first, at most ``CHANGES_SINCE_LAST_VISIT``
    more: bool  # there are more than those


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


def changes_since_last_visit(
    plan: CarePlan,
    actor: Actor,
    *,
    known_perms: Iterable[str] | None = None,
    limit: int = CHANGES_SINCE_LAST_VISIT,
) -> SinceLastVisit:
    """The changes others made to the plan (its history, as ``plan_history`` shows it to
    ``actor``) since the actor's visit before the latest: called after the plan page has
    recorded this visit (``record_plan_view``). Two queries. No read is recorded: the page
    showing them records it."""
    history = plan_history(plan, actor, known_perms=known_perms)
    visits = (
        AuditEvent.objects.for_plan(plan)
        .filter(actor_id=actor.pk, action=AuditAction.VIEWED, detail__what=PLAN_PAGE)
        .order_by("-occurred_at", "-pk")
        .values_list("pk", "occurred_at")
    )
    last_visit = next(iter(visits[1:2]), None)
    if last_visit is None:
        return SinceLastVisit(last_visit=None, changes=[], more=False)
    # Events are appended: a later one has a higher id (two may share a timestamp); the
    # time bounds the scan of the plan's events (index audit_event_plan_time).
    visit_id, visited_at = last_visit
    since = history.filter(occurred_at__gte=visited_at, pk__gt=visit_id).exclude(actor_id=actor.pk)
    changes = list(since[: limit + 1])
    return SinceLastVisit(last_visit=visited_at, changes=changes[:limit], more=len(changes) > limit)
