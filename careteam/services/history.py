"""A plan's history (what changed, for the team), what changed since a member's last visit,
and the audit trail (everything, for the lead).

All read the audit events: a change event's ``detail["changes"]`` is ``{field: [old,
new]}``, a creation's or deletion's ``detail["values"]`` the values at that moment.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Least

from audit.models import AuditAction, AuditEvent
from audit.services import record_view
from core.compiled_sql import CompiledRows

from ..models import CarePlan, PrivateNote
from ..policy import Actor, PlanAction, Rights
from ._common import require

# ``detail["what"]`` of the view event the plan page records (``record_plan_view``): a
# visit, as "since your last visit" counts them.
PLAN_PAGE = "plan"
CHANGES_SINCE_LAST_VISIT = 10
RECENT_CHANGES = 10
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class SinceLastVisit:
    """What others changed on a plan since a member's last visit to its page."""

    last_visit: datetime.datetime | None  # None: this is their first
    changes: list[AuditEvent]  # newest first, at most ``CHANGES_SINCE_LAST_VISIT``
    more: bool  # there are more than those


@dataclass(frozen=True)
class PlanPageHistory:
    """What the plan page shows of the history."""

    recent: list[AuditEvent]  # the newest changes, newest first
    since_last_visit: SinceLastVisit


def plan_history(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[AuditEvent]:
    """Who changed what and when, newest first, for any team member. Private-note events
    are left out unless the actor may read private notes. ``known_perms``: the actor's
    permissions on the plan already read in this request."""
    rights = require(actor, PlanAction.VIEW, plan, known_perms=known_perms)
    return _changes(plan.pk, _hidden_type_id(rights)).select_related("actor")


def _hidden_type_id(rights: Rights) -> int | None:
    """The content type whose events a reader with ``rights`` may not see in the history:
    private notes', unless they may read them."""
    if rights.allows(PlanAction.PRIVATE_NOTES):
        return None
    return ContentType.objects.get_for_model(PrivateNote).pk


def _changes(plan_id: int, hidden_type_id: int | None = None) -> QuerySet[AuditEvent]:
    """The plan's change events, without those of ``hidden_type_id``."""
    events = AuditEvent.objects.for_plan(plan_id).changes()
    if hidden_type_id is None:
        return events
    return events.exclude(target_content_type_id=hidden_type_id)


def plan_audit_trail(plan: CarePlan, actor: Actor) -> QuerySet[AuditEvent]:
    """Every event about the plan (views and denials too), newest first, with the dashboard
    views that listed it among others. Lead only; the read is itself recorded."""
    require(actor, PlanAction.VIEW_AUDIT_TRAIL, plan)
    record_view(actor, plan, "audit_trail", plan=plan)
    return AuditEvent.objects.trail_for_plan(plan).select_related("actor")


def plan_page_history(
    plan: CarePlan,
    actor: Actor,
    *,
    known_perms: Iterable[str] | None = None,
    recent: int = RECENT_CHANGES,
    limit: int = CHANGES_SINCE_LAST_VISIT,
) -> PlanPageHistory:
    """The plan page's two views of the history, as ``plan_history`` shows it to
    ``actor``: its ``recent`` newest changes, and the changes others made since the actor's
    visit before the latest (at most ``limit``). Called after the page has recorded this
    visit (``record_plan_view``); no read is recorded here: the page records it. One query
    (``_page_history_rows``)."""
    rights = require(actor, PlanAction.VIEW, plan, known_perms=known_perms)
    ids = [plan.pk, cast(int, actor.pk)]  # require() has refused anyone not signed in
    hidden_type_id = _hidden_type_id(rights)
    if hidden_type_id is not None:
        ids.append(hidden_type_id)
    rows = _page_history(recent, limit, hidden_type_id is not None).rows(*ids)
    visit = next((row for row in rows if row.action == AuditAction.VIEWED), None)
    changes = [row for row in rows if row is not visit]
    if visit is None:
        return PlanPageHistory(changes[:recent], SinceLastVisit(None, [], more=False))
    others_since = [
        row
        for row in changes
        if row.pk > visit.pk and row.occurred_at >= visit.occurred_at and row.actor_id != actor.pk
    ]
    return PlanPageHistory(
        recent=changes[:recent],
        since_last_visit=SinceLastVisit(
            last_visit=visit.occurred_at,
            changes=others_since[:limit],
            more=len(others_since) > limit,
        ),
    )


@functools.cache
def _page_history(recent: int, limit: int, hides_private_notes: bool) -> CompiledRows:
    """The plan page's history query, compiled once per process (it is long to build):
    by the plan's and the actor's ids, and the private notes' content type's when they are
    hidden. Its events newest first, each with its actor."""

    def events(plan_id: int, actor_id: int, hidden_type_id: int | None = None) -> QuerySet:
        shown = _page_history_rows(plan_id, actor_id, hidden_type_id, recent=recent, limit=limit)
        return (
            AuditEvent.objects.filter(pk__in=shown)
            .select_related("actor")
            .order_by("-occurred_at", "-pk")
        )

    return CompiledRows("the plan page's history", events, ids=3 if hides_private_notes else 2)


def _page_history_rows(
    plan_id: int, actor_id: int, hidden_type_id: int | None = None, *, recent: int, limit: int
) -> QuerySet:
    """The ids of the events the plan page's history shows: the union of three sets, told
    apart afterwards: the previous visit (the one 'viewed' row; history holds changes
    only), the newest ``recent`` changes (H) and the newest ``limit + 1`` changes by others
    since that visit (S, a subset of H). The newest ``recent`` change rows returned are
    exactly those of H: a row of S older than them is older than H's newest ``recent``. And
    the rows of S returned are exactly S's newest ``limit + 1`` as long as ``recent`` is at
    most that: the rows of S among H's newest are S's newest."""
    history = _changes(plan_id, hidden_type_id)
    previous = (
        AuditEvent.objects.for_plan(plan_id)
        .filter(actor_id=actor_id, action=AuditAction.VIEWED, detail__what=PLAN_PAGE)
        .order_by("-occurred_at", "-pk")[1:2]
    )
    # Events are appended: a later one has a higher id (two may share a timestamp); the
    # time bounds the scan of the plan's events (index audit_event_plan_time).
    visited_at = Subquery(previous.values("occurred_at"))
    since = history.filter(
        occurred_at__gte=visited_at, pk__gt=Subquery(previous.values("pk"))
    ).exclude(actor_id=actor_id)
    # Every row wanted is at or after the earlier of the previous visit and the oldest of
    # the newest changes: the scan of the plan's events (audit_event_plan_time) stops
    # there, however long the plan's trail (the sets' own look-ups use the partial indexes
    # audit_event_plan_visits and audit_event_plan_changes).
    oldest_recent = Subquery(history.values("occurred_at")[recent - 1 : recent])
    bound = Coalesce(Least(visited_at, oldest_recent), visited_at, oldest_recent, Value(EPOCH))
    return (
        AuditEvent.objects.for_plan(plan_id)
        .filter(occurred_at__gte=bound)
        .filter(
            Q(pk__in=previous.values("pk"))
            | Q(pk__in=history.values("pk")[:recent])
            | Q(pk__in=since.values("pk")[: limit + 1])
        )
        .values("pk")
    )
