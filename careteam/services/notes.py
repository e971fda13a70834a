"""Team notes (every member) and mental-health private notes (mental-health members only,
not the lead). Notes are never edited or deleted; a correction is a new note."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.services import record_view

from ..models import CarePlan, PrivateNote, TeamNote
from ..policy import Actor, PlanAction, plans_where
from ._common import create_audited, require

# The action that lets a member read each kind of note.
READ_ACTION: dict[type[TeamNote] | type[PrivateNote], PlanAction] = {
    TeamNote: PlanAction.VIEW,
    PrivateNote: PlanAction.PRIVATE_NOTES,
}


def readable_notes(
    model: type[TeamNote] | type[PrivateNote], user: Actor
) -> QuerySet[TeamNote] | QuerySet[PrivateNote]:
    """Notes of this kind on every plan where the policy lets ``user`` read them (object
    grants only: never a superuser as such). For listings; no read is recorded."""
    return model.objects.filter(plan__in=plans_where(user, READ_ACTION[model]))


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write the note first."})
    return body


def add_team_note(plan: CarePlan, actor: User, body: str) -> TeamNote:
    require(actor, PlanAction.ADD_TEAM_NOTE, plan)
    note = TeamNote(plan=plan, author=actor, body=_clean_body(body))
    return create_audited(
        note, actor, plan, ("body",), action=PlanAction.ADD_TEAM_NOTE, record_values=False
    )


def list_team_notes(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[TeamNote]:
    """The plan's team notes, newest first. The page showing them records the read
    (``record_plan_view``). ``known_perms``: as in ``record_plan_view``."""
    require(actor, PlanAction.VIEW, plan, known_perms=known_perms)
    return plan.team_notes.select_related("author", "author__provider_profile")


def add_private_note(plan: CarePlan, actor: User, body: str) -> PrivateNote:
    require(actor, PlanAction.PRIVATE_NOTES, plan)
    note = PrivateNote(plan=plan, author=actor, body=_clean_body(body))
    # No text in the audit record: the lead reads the audit trail.
    return create_audited(
        note, actor, plan, ("body",), action=PlanAction.PRIVATE_NOTES, record_values=False
    )


def list_private_notes(
    plan: CarePlan, actor: Actor, *, known_perms: Iterable[str] | None = None
) -> QuerySet[PrivateNote]:
    """The plan's private notes for a mental-health member of its team; the read is
    recorded. Everyone else, the lead included, is refused (404 if they cannot see the
    plan, 403 if they can). ``known_perms``: as in ``record_plan_view``."""
    require(actor, PlanAction.PRIVATE_NOTES, plan, known_perms=known_perms)
    record_view(actor, plan, "private_notes", plan=plan)
    return plan.private_notes.select_related("author")
