"""Team notes (every member) and mental-health private notes (mental-health members only,
not the lead). Notes are never edited or deleted; a correction is a new note."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.models import AuditAction
from audit.services import record_event

from ..models import CarePlan, PrivateNote, TeamNote
from ..permissions import ACCESS_PRIVATE_NOTES, ADD_TEAM_NOTE, VIEW, Actor
from ._common import create_audited, require


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    return body


def add_team_note(plan: CarePlan, actor: Actor, body: str) -> TeamNote:
    require(actor, ADD_TEAM_NOTE, plan)
    note = TeamNote(plan=plan, author=actor, body=_clean_body(body))
    return create_audited(
        note, actor, plan, ("body",), permission=ADD_TEAM_NOTE, record_values=False
    )


def list_team_notes(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[TeamNote]:
    """The plan's team notes, newest first. The page showing them records the read
    (``record_plan_view``). ``known_perms``: as in ``record_plan_view``."""
    require(actor, VIEW, plan, known_perms=known_perms)
    return plan.team_notes.select_related("author", "author__provider_profile")


def add_private_note(plan: CarePlan, actor: Actor, body: str) -> PrivateNote:
    require(actor, ACCESS_PRIVATE_NOTES, plan)
    note = PrivateNote(plan=plan, author=actor, body=_clean_body(body))
    # No text in the audit record: the lead reads the audit trail.
    return create_audited(
        note, actor, plan, ("body",), permission=ACCESS_PRIVATE_NOTES, record_values=False
    )


def list_private_notes(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[PrivateNote]:
    """The plan's private notes for a mental-health member of its team; the read is
    recorded. Everyone else, the lead included, is refused (404 if they cannot see the
    plan, 403 if they can). ``known_perms``: as in ``record_plan_view``."""
    require(actor, ACCESS_PRIVATE_NOTES, plan, known_perms=known_perms)
    record_event(actor, AuditAction.VIEWED, plan, plan=plan, detail={"what": "private_notes"})
    return plan.private_notes.select_related("author")
