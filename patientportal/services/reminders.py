"""The daily reminder: at most one email a day to each patient who turned reminders on and
has something on their to-do list (``todo.todo_for``), at their chosen time of day or, if
that falls in their quiet hours, when the quiet hours end (``reminder_preferences``).

``send_due_reminders`` runs from ``manage.py send_reminders``, every quarter of an hour
from a timer (deploy/systemd/clinic-portal-reminders.timer) or cron, as the escalation of
red-flag alerts does. For each patient whose time has come it claims the day, a
``ReminderSent`` row for the patient and the date in their own time zone that a unique
constraint allows once, audits it and hands the email to the queue, all in one
transaction (``jobs.handoff``). A rerun, or a second timer on another machine at the same
moment, finds the day claimed and sends nothing; a patient with nothing to do is skipped
without a claim, so something that falls due later that day still gets its reminder.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from jobs.handoff import enqueue_in_transaction

from ..models import ReminderPreference, ReminderSent
from ..reminder_tasks import send_reminder_email
from .reminder_preferences import may_send_at
from .todo import todo_for


def opted_in() -> Iterable[ReminderPreference]:
    """Preferences with reminders on, of patients whose login is active: one query."""
    return (
        ReminderPreference.objects.filter(enabled=True, patient__user__is_active=True)
        .select_related("patient__user")
        .order_by("pk")
    )


def claimed_days(now: datetime.datetime) -> set[tuple[int, datetime.date]]:
    """(patient id, local date) of the reminders claimed for any day that is today
    somewhere on Earth at ``now``: one query."""
    first = (now - datetime.timedelta(days=1)).date()
    return set(
        ReminderSent.objects.filter(local_date__gte=first).values_list("patient_id", "local_date")
    )


def _claim(preference: ReminderPreference, local_date: datetime.date, count: int, now) -> bool:
    """Claim the patient's reminder for ``local_date`` and queue its email, together; False
    when someone claimed it first."""
    patient = preference.patient
    try:
        with transaction.atomic():
            reminder = ReminderSent.objects.create(
                patient=patient, local_date=local_date, claimed_at=now, things_to_do=count
            )
            record_event(
                None,
                AuditAction.CREATED,
                reminder,
                patient=patient,
                detail={"reminder": "email", "local_date": local_date, "things_to_do": count},
            )
            enqueue_in_transaction(send_reminder_email, reminder.pk)
    except IntegrityError:
        return False
    return True


def send_due_reminders(*, now: datetime.datetime | None = None) -> list[int]:
    """Claim and queue each reminder whose time has come at ``now``; the ids of the patients
    reminded by this call. Idempotent: one reminder a patient a local day, whoever runs it."""
    now = now or timezone.now()
    claimed = claimed_days(now)
    reminded = []
    for preference in opted_in():
        patient = preference.patient
        user = patient.user
        if user is None or not (user.email or patient.email):
            continue
        local = now.astimezone(patient.zone)
        if (patient.pk, local.date()) in claimed or not may_send_at(preference, local):
            continue
        count = len(todo_for(patient, now).items)
        if count and _claim(preference, local.date(), count, now):
            reminded.append(patient.pk)
    return reminded
