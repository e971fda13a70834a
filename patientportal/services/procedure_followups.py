"""Procedure follow-ups: once an injection, an ablation or a block is marked done, the
patient is asked at set times (``PROCEDURE_FOLLOW_UP_DAYS``) how bad their pain is and how
much relief it gave. What the team makes of the answers: ``procedure_response``.

The follow-ups follow the activity through ``careteam.signals.procedure_done``, in the
transaction of the change to it (``sync_follow_ups``). Only a procedure the patient sees
(``Activity.patient_sees``) is asked about: follow-ups are made when it is marked done
while shown, re-dated while unanswered when its day changes, cancelled while unanswered
when it is reopened, hidden from the patient or deleted, and made again for the days not
answered when it is shown again. An answer is given once and never changed
(``answer_follow_up``), only while the plan is current (``is_current_plan``) and only
from the day it is due to the day it closes (``answer_closes_on``): pain recalled weeks
after the day asked about says little about the procedure, so an unanswered follow-up
is then missed, shown to the team as such, and no longer asked.

For the patient's to-do list: ``due_follow_ups(plan, today)`` (nothing on a plan that is no
longer current); an overdue count in SQL is
``ProcedureFollowUp.objects.filter(plan=...).overdue(today)`` on current plans only (as
``overdue.plans_with_overdue`` counts): due days gone by, not closed yet.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AuditAction
from audit.services import EventSpec, record_event, record_events, record_view
from careteam.models import Activity, CarePlan, Patient, Procedure

from ..models import ProcedureFollowUp
from .errors import PortalAccessDenied, PortalActionError
from .patients import CURRENT_PLAN_STATUSES, is_current_plan, plans_for_patient

DEFAULT_KEY = "default"
# Why an answer is refused on a plan that is no longer current (the page says it too).
PLAN_ENDED = (
    "This care plan has ended, so your care team no longer asks this question. "
    "There is nothing more to do here."
)


@dataclass(frozen=True)
class DueFollowUp:
    """A follow-up the patient can answer now, for their to-do list."""

    follow_up_id: int
    procedure_label: str  # "Epidural steroid injection"
    activity_title: str  # the team's title, e.g. "Epidural steroid injection, L4-5"
    due_on: datetime.date
    closes_on: datetime.date | None  # the last day it takes an answer
    url: str  # the patient's answer page
    overdue: bool  # due before today and still unanswered


class FollowUpAlreadyAnswered(PortalActionError):
    """The follow-up was answered before: the first answer stands (answer 409)."""

    def __init__(self, follow_up: ProcedureFollowUp):
        super().__init__(
            "You already answered this question on "
            f"{date_format(timezone.localtime(follow_up.answered_at).date(), 'j F Y')}. "
            "Your first answer is kept."
        )
        self.follow_up = follow_up


def follow_up_days(procedure: str) -> tuple[int, ...]:
    """The days after the procedure the patient is asked, in order (0: the same day):
    the procedure's own entry in ``PROCEDURE_FOLLOW_UP_DAYS``, else its "default"."""
    table = settings.PROCEDURE_FOLLOW_UP_DAYS
    days = table.get(procedure, table[DEFAULT_KEY])
    return tuple(sorted({int(day) for day in days if int(day) >= 0}))


def answer_closes_on(
    procedure: str, day_offset: int, due_on: datetime.date, asked_on: datetime.date
) -> datetime.date:
    """The last day the follow-up due on ``due_on``, first asked on ``asked_on`` (the
    patient's today when it is made or re-dated), takes an answer: a quarter of the days
    since the procedure after its day (at least one: a 2-week question until day 17, a
    3-month one until day 113), never on the day the next one is due (a diagnostic
    block's same-day question closes that day, its next-day one asks then). A question
    asked after its day (the procedure recorded late) stays open until the day after it
    is asked, at least: nobody misses what they were never asked."""
    grace = max(1, day_offset // 4)
    later = [day for day in follow_up_days(procedure) if day > day_offset]
    if later:
        grace = min(grace, later[0] - day_offset - 1)
    closes_on = due_on + datetime.timedelta(days=grace)
    if due_on < asked_on:
        closes_on = max(closes_on, asked_on + datetime.timedelta(days=1))
    return closes_on


def follow_up_dates(procedure: str, done_on: datetime.date) -> list[tuple[int, datetime.date]]:
    """Each follow-up's day offset and local calendar date for a procedure done on
    ``done_on``."""
    return [(day, done_on + datetime.timedelta(days=day)) for day in follow_up_days(procedure)]


def procedure_label(code: str) -> str:
    return str(dict(Procedure.choices).get(code, code))


def answer_url(follow_up_id: int) -> str:
    return reverse("patientportal:follow-up", args=[follow_up_id])


def sync_follow_ups(activity: Activity, done_on: datetime.date | None, actor) -> None:
    """Bring the activity's follow-ups in line with it, inside the caller's transaction:
    with ``done_on`` and the activity shown to the patient (``Activity.patient_sees``), one
    live follow-up per configured day (new ones made, for days never asked or asked and
    cancelled; unanswered ones re-dated; unanswered ones for days no longer asked
    cancelled); without ``done_on``, or hidden from the patient, every unanswered one
    cancelled. Answered ones are left as they are. Recorded in the audit trail as
    ``actor``'s, in one INSERT."""
    if not activity.patient_sees:
        done_on = None  # the patient is not asked about what they are not shown
    rows = list(ProcedureFollowUp.objects.select_for_update().filter(activity=activity))
    live = {row.day_offset: row for row in rows if not row.is_cancelled}
    now = timezone.now()
    wanted = dict(follow_up_dates(activity.procedure, done_on)) if done_on else {}
    events: list[EventSpec] = []
    for offset, row in live.items():
        if row.is_open and offset not in wanted:
            row.cancelled_at = now
            row.save(update_fields=["cancelled_at"])
            events.append(_event(AuditAction.CHANGED, row, {"cancelled_at": [None, now]}))
    if done_on is not None:
        asked_on = _patients_today(activity, now)
        made: list[ProcedureFollowUp] = []
        for offset, due_on in wanted.items():
            existing = live.get(offset)
            if existing is None:
                made.append(
                    ProcedureFollowUp(
                        plan_id=activity.section.plan_id,
                        activity=activity,
                        procedure=activity.procedure,
                        activity_title=activity.title,
                        done_on=done_on,
                        day_offset=offset,
                        due_on=due_on,
                        closes_on=answer_closes_on(activity.procedure, offset, due_on, asked_on),
                    )
                )
            elif existing.is_open and (existing.due_on, existing.procedure) != (
                due_on,
                activity.procedure,
            ):
                _re_date(existing, activity, done_on, due_on, asked_on, events)
        for row in ProcedureFollowUp.objects.bulk_create(made):
            events.append(
                _event(
                    AuditAction.CREATED,
                    row,
                    {"due_on": row.due_on, "closes_on": row.closes_on, "day": row.day_offset},
                )
            )
    record_events(actor, events)


def _patients_today(activity: Activity, now: datetime.datetime) -> datetime.date:
    """The activity's patient's calendar date at ``now``, one query."""
    return Patient.objects.only("time_zone").get(care_plans=activity.section.plan_id).today(now)


def _re_date(
    row: ProcedureFollowUp,
    activity: Activity,
    done_on: datetime.date,
    due_on: datetime.date,
    asked_on: datetime.date,
    events: list[EventSpec],
) -> None:
    closes_on = answer_closes_on(activity.procedure, row.day_offset, due_on, asked_on)
    changes = {
        "due_on": [row.due_on, due_on],
        "done_on": [row.done_on, done_on],
        "closes_on": [row.closes_on, closes_on],
    }
    row.due_on, row.done_on, row.closes_on = due_on, done_on, closes_on
    row.procedure, row.activity_title = activity.procedure, activity.title
    row.save(update_fields=["due_on", "done_on", "closes_on", "procedure", "activity_title"])
    events.append(_event(AuditAction.CHANGED, row, changes))


def _event(action: str, row: ProcedureFollowUp, detail: dict) -> EventSpec:
    key = "changes" if action == AuditAction.CHANGED else "values"
    return EventSpec(action, row, plan=row.plan_id, detail={key: detail})


def on_procedure_done(
    sender, *, activity: Activity, done_on: datetime.date | None, actor, **kwargs
) -> None:
    """The receiver of ``careteam.signals.procedure_done`` (connected in ``apps``)."""
    sync_follow_ups(activity, done_on, actor)


def due_follow_ups(plan: CarePlan, today: datetime.date) -> list[DueFollowUp]:
    """The plan's follow-ups the patient can answer on ``today`` (a local date): due on or
    before it, neither answered nor cancelled, the plan still current (as stored, not as
    ``plan`` was read); the oldest first. One query."""
    rows = (
        ProcedureFollowUp.objects.filter(plan=plan, plan__status__in=CURRENT_PLAN_STATUSES)
        .due(today)
        .order_by("due_on", "pk")
    )
    return [_due(row, today) for row in rows]


def _due(row: ProcedureFollowUp, today: datetime.date) -> DueFollowUp:
    return DueFollowUp(
        follow_up_id=row.pk,
        procedure_label=procedure_label(row.procedure),
        activity_title=row.activity_title,
        due_on=row.due_on,
        closes_on=row.closes_on,
        url=answer_url(row.pk),
        overdue=row.is_overdue(today),
    )


def follow_up_for_patient(patient: Patient, follow_up_id: int) -> ProcedureFollowUp | None:
    """The follow-up if it is on one of the patient's own plans meant for their eyes."""
    return (
        ProcedureFollowUp.objects.filter(
            pk=follow_up_id, plan__in=plans_for_patient(patient).values("pk")
        )
        .select_related("plan__patient")
        .first()
    )


def record_follow_up_view(follow_up: ProcedureFollowUp, user, request=None) -> None:
    record_view(
        user,
        follow_up,
        "procedure follow-up",
        request=request,
        plan=follow_up.plan_id,
    )


def refuse_follow_up(user, follow_up_id: int, request=None, *, patient: Patient | None) -> None:
    """Record a follow-up asked for that is not the patient's (or not there)."""
    record_event(
        user,
        AuditAction.DENIED,
        None,
        request=request,
        patient=patient,
        detail={"reason": "no such follow-up for this patient", "id": follow_up_id},
    )


def answer_follow_up(
    follow_up: ProcedureFollowUp,
    user,
    *,
    pain: int,
    relief_percent: int,
    at: datetime.datetime | None = None,
) -> ProcedureFollowUp:
    """Store the patient's answer, once: under a row lock, refused (and recorded) when it
    is not their plan, not due yet or closed, cancelled, on a plan no longer current
    (completed or revoked), or answered already (``FollowUpAlreadyAnswered``, carrying
    the stored row). ``at``: when it is answered (now; the demo's answers were given days
    ago)."""
    if not 0 <= pain <= 10:
        raise PortalActionError("Pain must be a number from 0 to 10.")
    if not 0 <= relief_percent <= 100:
        raise PortalActionError("Relief must be a percentage from 0 to 100.")
    with transaction.atomic():
        row = (
            ProcedureFollowUp.objects.select_for_update()
            .select_related("plan__patient")
            .filter(pk=follow_up.pk)
            .first()
        )
        at = at or timezone.now()
        refused = _refusal(row, user, at)
        if row is not None and refused is None:
            row.pain, row.relief_percent = pain, relief_percent
            row.answered_at = at
            row.save(update_fields=["pain", "relief_percent", "answered_at"])
            record_event(
                user,
                AuditAction.CREATED,
                row,
                plan=row.plan,
                detail={"pain": pain, "relief_percent": relief_percent},
            )
            return row
    record_event(
        user,
        AuditAction.DENIED,
        row,
        plan=row.plan if row is not None else None,
        detail={"reason": str(refused), "what": "procedure follow-up"},
    )
    raise refused or PortalAccessDenied()


def _refusal(
    row: ProcedureFollowUp | None, user, at: datetime.datetime
) -> PortalActionError | PortalAccessDenied | None:
    """Why this answer cannot be stored at ``at``, if it cannot (due and closed: on the
    patient's calendar)."""
    if row is None or row.plan.patient.user_id != user.pk:
        return PortalAccessDenied("Patients can only answer their own follow-ups.")
    if row.is_answered:
        return FollowUpAlreadyAnswered(row)
    if row.is_cancelled:
        return PortalActionError(
            "Your care team no longer needs this answer: the record of the procedure was "
            "changed. There is nothing more to do here."
        )
    if not is_current_plan(row.plan):
        return PortalActionError(PLAN_ENDED)
    today = row.plan.patient.today(at)
    if row.due_on > today:
        return PortalActionError(
            f"This question opens on {date_format(row.due_on, 'j F Y')}. Please come back then."
        )
    if row.is_missed(today):
        return PortalActionError(missed_text(row))
    return None


def missed_text(row: ProcedureFollowUp) -> str:
    """Why a missed follow-up (``is_missed``) takes no answer, in the patient's words (the
    page says it too)."""
    assert row.closes_on is not None, "only a follow-up with a closing day is missed"
    return (
        f"This question was open until {date_format(row.closes_on, 'j F Y')}. Pain remembered "
        "long after the day it asks about tells your care team little, so there is nothing "
        "more to do here."
    )
