"""What PostgreSQL does for the dashboard: ``EXPLAIN (ANALYZE, BUFFERS)`` of its two queries.

- the plan list: one page of ``/care/`` (``careteam.views.dashboard.dashboard_plans``, the
  first ``PLANS_PER_PAGE``), which carries the newest note of each plan as subqueries;
- the newest-note lookup on its own: one plan's newest team note, as each subquery asks it.

With the ``(plan_id, created_at, id)`` index (careteam migration 0006,
``careteam_teamnote_newest``) each lookup is one short index scan, whatever the number of
notes in the table: the buffers it touches and its time stay flat from the demo to the
bench's scale. The bench prints both plans at each scale and docs/performance.md keeps them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection

from careteam.models import TeamNote
from careteam.views.dashboard import PLANS_PER_PAGE, dashboard_plans

NEWEST_NOTES_INDEX = "careteam_teamnote_newest"
EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
BUFFERS = re.compile(r"Buffers: shared hit=(\d+)(?: read=(\d+))?")
LOOPS = re.compile(r"loops=(\d+)\)")


@dataclass(frozen=True)
class Explained:
    query: str
    plan: str
    execution_ms: float | None
    buffers: int | None  # shared buffers the whole query touched (hit + read)
    uses_index: bool  # NEWEST_NOTES_INDEX appears in the plan
    # Buffers one newest-note lookup touches (the index scans' buffers over their loops):
    # the figure that must not grow with the notes table.
    buffers_per_lookup: float | None
    notes_in_table: int

    def as_dict(self) -> dict:
        return asdict(self)


def _buffers(match: re.Match | None) -> int | None:
    return int(match.group(1)) + int(match.group(2) or 0) if match else None


def buffers_per_lookup(plan: str) -> float | None:
    """Buffers per loop of the scans on the newest-notes index (each scan node's own
    ``Buffers`` line follows it), averaged over those nodes; None if none is used."""
    lines = plan.splitlines()
    per_loop = []
    for number, line in enumerate(lines):
        if NEWEST_NOTES_INDEX not in line or (loops := LOOPS.search(line)) is None:
            continue
        following = (BUFFERS.search(later) for later in lines[number + 1 : number + 4])
        buffers = next((_buffers(match) for match in following if match), None)
        if buffers is not None:
            per_loop.append(buffers / int(loops.group(1)))
    return round(sum(per_loop) / len(per_loop), 1) if per_loop else None


def summarise(query: str, plan: str, notes_in_table: int) -> Explained:
    """Execution time, the top node's buffers, whether the newest-notes index is used and
    what one lookup on it costs, read from an EXPLAIN (ANALYZE, BUFFERS) text."""
    execution = EXECUTION.search(plan)
    return Explained(
        query=query,
        plan=plan,
        execution_ms=float(execution.group(1)) if execution else None,
        buffers=_buffers(BUFFERS.search(plan)),
        uses_index=NEWEST_NOTES_INDEX in plan,
        buffers_per_lookup=buffers_per_lookup(plan),
        notes_in_table=notes_in_table,
    )


def explain_dashboard(username: str = "dr.lee") -> list[Explained]:
    """Both queries for ``username``'s dashboard; empty on a database other than
    PostgreSQL (no EXPLAIN ANALYZE there)."""
    if connection.vendor != "postgresql":
        return []
    user = get_user_model().objects.get(username=username)
    notes = TeamNote.objects.count()
    page = dashboard_plans(user)[:PLANS_PER_PAGE]
    newest_plan = page[0] if page else None
    explained = [
        summarise("plan list (one page of /care/)", page.explain(analyze=True, buffers=True), notes)
    ]
    if newest_plan is not None:
        lookup = (
            TeamNote.objects.filter(plan=newest_plan)
            .order_by("-created_at", "-pk")
            .values("body", "created_at")[:1]
        )
        plan = lookup.explain(analyze=True, buffers=True)
        explained.append(summarise("newest note of one plan", plan, notes))
    return explained
