"""The patient's side: their programmes, the sessions they log, and the team's reading of
those sessions (adherence, difficulty, pain during)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F, Prefetch, Sum
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, Patient
from patientportal.charts import TrendChart, TrendPoint
from patientportal.services.errors import PortalAccessDenied
from patientportal.services.patients import CURRENT_PLAN_STATUSES, current_plans_for_patient
from patientportal.services.submissions import Submission, store_once

from ..charts import pain_during_chart
from ..models import (
    Completion,
    ExerciseImage,
    ExerciseSession,
    ProgrammeItem,
    ProgrammeVersion,
    SessionEntry,
)
from .adherence import EntryRow, VersionRow, Week, weekly_adherence
from .errors import ProgrammeError

# How far back a session may be logged (a forgotten day or two, not a diary rewritten).
LOG_WINDOW_DAYS = 14
# The size of the pictures on the patient's page and the handout.
RENDITION = "fill-480x320"


def _items_with_pictures() -> Prefetch:
    images = ExerciseImage.objects.select_related("image").prefetch_related("image__renditions")
    return Prefetch(
        "items",
        ProgrammeItem.objects.select_related("exercise__video")
        .prefetch_related(Prefetch("exercise__images", images.order_by("sort_order")))
        .order_by("position", "pk"),
    )


def current_versions(plans: Sequence[CarePlan]) -> list[ProgrammeVersion]:
    """The newest version of each plan's programme (plans without one left out), with its
    exercises and their pictures (renditions read with them), in a fixed number of
    queries."""
    newest = (
        ProgrammeVersion.objects.filter(programme__plan__in=plans, number=F("programme__version"))
        .select_related("programme__plan", "made_by")
        .prefetch_related(_items_with_pictures())
    )
    order = {plan.pk: index for index, plan in enumerate(plans)}
    return sorted(newest, key=lambda version: order[version.programme.plan_id])


def patient_programmes(patient: Patient) -> list[ProgrammeVersion]:
    """The programmes of the patient's current plans, newest version of each."""
    return current_versions(list(current_plans_for_patient(patient)))


# How far back the patient's page lists what changed in their programme.
RECENT_CHANGES_DAYS = 28


def recent_changes(versions: Sequence[ProgrammeVersion]) -> dict[int, list[ProgrammeVersion]]:
    """Plan id -> the versions of its programme made in the last ``RECENT_CHANGES_DAYS``
    (after the first), newest first, in one query."""
    since = timezone.now() - datetime.timedelta(days=RECENT_CHANGES_DAYS)
    changed: dict[int, list[ProgrammeVersion]] = {}
    for version in (
        ProgrammeVersion.objects.filter(
            programme__in=[version.programme_id for version in versions],
            number__gt=1,
            made_at__gte=since,
        )
        .select_related("programme")
        .order_by("-number")
    ):
        changed.setdefault(version.programme.plan_id, []).append(version)
    return changed


@dataclass(frozen=True)
class EntryAnswer:
    item_id: int
    completion: str
    effort: str = ""


def log_session(
    patient: Patient,
    user: User,
    version: ProgrammeVersion,
    *,
    performed_on: datetime.date,
    entries: Sequence[EntryAnswer],
    pain_during: int | None = None,
    note: str = "",
    submission_key: uuid.UUID | None = None,
) -> ExerciseSession:
    """Record a session of the programme ``version`` shows, by the patient themselves: how
    each exercise went (every exercise of the version answered once), and their pain
    during it. The same form sent twice stores once (``submission_key``)."""
    plan = version.programme.plan
    if patient.user_id != user.pk or plan.patient_id != patient.pk:
        record_event(
            user, AuditAction.DENIED, plan, plan=plan, detail={"reason": "not their programme"}
        )
        raise PortalAccessDenied("This is not your programme.")
    if plan.status not in CURRENT_PLAN_STATUSES:
        raise ProgrammeError("This plan has finished: its programme takes no more sessions.")
    today = timezone.localdate()
    if performed_on > today:
        raise ProgrammeError("The day of the session cannot be in the future.")
    if performed_on < today - datetime.timedelta(days=LOG_WINDOW_DAYS):
        raise ProgrammeError(f"Sessions can be logged up to {LOG_WINDOW_DAYS} days back.")
    item_ids = set(version.items.values_list("pk", flat=True))
    answered = [entry.item_id for entry in entries]
    if sorted(answered) != sorted(item_ids):
        raise ProgrammeError("Say how each exercise went, once each.")
    if pain_during is not None and not 0 <= pain_during <= 10:
        raise ProgrammeError("Pain during the session is a number from 0 to 10.")
    submission = Submission.of(
        submission_key,
        {
            "version": version.pk,
            "performed_on": performed_on,
            "pain_during": pain_during,
            "note": note.strip(),
            "entries": sorted((e.item_id, e.completion, e.effort) for e in entries),
        },
    )

    def store() -> ExerciseSession:
        with transaction.atomic():
            session = ExerciseSession.objects.create(
                plan=plan,
                version=version,
                performed_on=performed_on,
                pain_during=pain_during,
                note=note.strip(),
                logged_by=user,
                **submission.fields(),
            )
            SessionEntry.objects.bulk_create(
                SessionEntry(
                    session=session,
                    item_id=entry.item_id,
                    completion=entry.completion,
                    effort=entry.effort if entry.completion != Completion.NOT_DONE else "",
                )
                for entry in entries
            )
            record_event(
                user,
                AuditAction.CREATED,
                session,
                plan=plan,
                detail={
                    "performed_on": performed_on,
                    "pain_during": pain_during,
                    "version": version.number,
                    "entries": [[e.item_id, e.completion, e.effort] for e in entries],
                },
            )
        return session

    return store_once(plan.exercise_sessions.all(), submission, user, store, plan=plan)


@dataclass(frozen=True)
class Adherence:
    weeks: list[Week]
    pain_during: TrendChart
    sessions_logged: int


def adherence_for(plan: CarePlan, today: datetime.date | None = None) -> Adherence:
    """The plan's weekly adherence and difficulty (``services.adherence``) and the pain the
    patient felt during sessions, in three queries."""
    today = today or timezone.localdate()
    versions = (
        ProgrammeVersion.objects.filter(programme__plan=plan)
        .annotate(per_week=Sum(F("items__times_per_day") * F("items__days_per_week")))
        .values_list("made_at", "per_week")
    )
    entries = SessionEntry.objects.filter(session__plan=plan).values_list(
        "session__performed_on", "completion", "effort"
    )
    sessions = list(
        ExerciseSession.objects.filter(plan=plan).values_list("performed_on", "pain_during")
    )
    weeks = weekly_adherence(
        (VersionRow(timezone.localdate(made_at), per_week or 0) for made_at, per_week in versions),
        (EntryRow(*row) for row in entries),
        today,
    )
    pain = pain_during_chart(TrendPoint(day, score) for day, score in sessions if score is not None)
    return Adherence(weeks=weeks, pain_during=pain, sessions_logged=len(sessions))


def recent_sessions(plan: CarePlan, limit: int = 10) -> list[ExerciseSession]:
    return list(
        ExerciseSession.objects.filter(plan=plan)
        .prefetch_related(Prefetch("entries", SessionEntry.objects.select_related("item")))
        .order_by("-performed_on", "-logged_at")[:limit]
    )
