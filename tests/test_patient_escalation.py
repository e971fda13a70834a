"""A red-flag alert that nobody acknowledges is escalated once, after
``RED_FLAG_ESCALATE_AFTER_MINUTES``, to every member of the plan's team and the clinic's
on-call address (patientportal.services.escalation).

Time is moved with a clock that stands in for ``timezone.now``. On the immediate backend of
development ``manage.py escalate_alerts`` is the way; on the database queue of production
the escalation is queued with the alert, in its transaction, for when it falls due, and
the worker runs it then. Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from audit.models import AuditAction, AuditEvent
from jobs.queues import URGENT_PRIORITY, URGENT_QUEUE
from jobs.retry import RetriedTask
from patientportal.models import AlertOutcome, RedFlag, RedFlagAlert
from patientportal.services.alerts import acknowledge_alert
from patientportal.services.checkins import record_check_in
from patientportal.services.escalation import escalate_overdue_alerts, escalate_when_due
from patientportal.tasks import send_red_flag_alert_email, send_red_flag_escalation_email

pytestmark = pytest.mark.django_db

ON_CALL = "on-call@clinic.example"
ESCALATION_SUBJECT = "Urgent: a red-flag alert is not acknowledged after 30 minutes"


class Clock:
    """``timezone.now`` stands still until moved on."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
    return clock


@pytest.fixture
def on_call(settings) -> str:
    settings.RED_FLAG_ESCALATE_AFTER_MINUTES = 30
    settings.CLINIC_ON_CALL_EMAIL = ON_CALL
    return ON_CALL


def raise_alert(world, user=None, patient=None) -> RedFlagAlert:
    check_in = record_check_in(
        patient or world.patient,
        user or world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.BLADDER_OR_BOWEL],
    )
    return RedFlagAlert.objects.get(check_in=check_in)


def escalate_alerts(capture) -> str:
    """``manage.py escalate_alerts``, its emails sent once its transactions commit."""
    out = StringIO()
    with capture(execute=True):
        call_command("escalate_alerts", stdout=out)
    return out.getvalue()


def escalation_emails() -> list:
    return [message for message in mail.outbox if message.subject == ESCALATION_SUBJECT]


def team_addresses(world) -> set[str]:
    team = world.team
    return {user.email for user in (team.lead, team.physio, team.mental_health, team.contributor)}


def test_an_alert_nobody_acknowledges_escalates_once_when_due_to_the_team_and_on_call(
    portal_world, clock, on_call, django_capture_on_commit_callbacks
):
    alert = raise_alert(portal_world)

    clock.advance(minutes=29, seconds=59)
    assert escalate_alerts(django_capture_on_commit_callbacks) == "Escalated 0 red-flag alert(s).\n"
    assert escalation_emails() == []

    clock.advance(seconds=1)
    output = escalate_alerts(django_capture_on_commit_callbacks)
    assert output == f"Escalated 1 red-flag alert(s): {alert.pk}.\n"
    alert.refresh_from_db()
    assert alert.escalated_at == clock.now
    emails = escalation_emails()
    assert sorted(address for message in emails for address in message.to) == sorted(
        team_addresses(portal_world) | {on_call}
    )
    body = emails[0].body
    assert "Patient record number: T-0001" in body
    assert f"/care/plans/{portal_world.plan.pk}/" in body
    assert "/care/alerts/" in body
    # Which patient, and that a red flag was reported: nothing clinical beyond that.
    assert portal_world.patient.family_name not in body + emails[0].subject
    assert "bladder" not in body.lower()

    clock.advance(minutes=30)
    assert escalate_alerts(django_capture_on_commit_callbacks) == "Escalated 0 red-flag alert(s).\n"
    assert len(escalation_emails()) == len(emails)
    alert.refresh_from_db()
    assert alert.escalated_at == clock.now - datetime.timedelta(minutes=30)


def test_the_escalation_is_audited_with_whom_it_went_to(
    portal_world, clock, on_call, django_capture_on_commit_callbacks
):
    alert = raise_alert(portal_world)
    clock.advance(minutes=30)
    escalate_alerts(django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(
        action=AuditAction.CHANGED,
        target_content_type=ContentType.objects.get_for_model(RedFlagAlert),
        target_object_id=str(alert.pk),
    )
    assert event.actor is None
    assert event.care_plan_id == portal_world.plan.pk
    assert event.patient_id == portal_world.patient.pk
    assert event.detail["reason"] == "not acknowledged within 30 minutes"
    assert sorted(event.detail["escalated_to"]) == sorted(
        [*(address.split("@")[0] for address in team_addresses(portal_world)), "clinic on-call"]
    )


def test_an_alert_acknowledged_in_time_never_escalates(
    portal_world, clock, on_call, django_capture_on_commit_callbacks
):
    alert = raise_alert(portal_world)
    clock.advance(minutes=10)
    acknowledge_alert(alert, portal_world.team.physio, outcome=AlertOutcome.CALLED_PATIENT)
    clock.advance(hours=2)
    assert escalate_alerts(django_capture_on_commit_callbacks) == "Escalated 0 red-flag alert(s).\n"
    alert.refresh_from_db()
    assert alert.escalated_at is None
    assert escalation_emails() == []


def test_the_sweep_escalates_each_overdue_alert_once_however_often_it_runs(
    portal_world, clock, on_call
):
    first = raise_alert(portal_world)
    clock.advance(minutes=20)
    second = raise_alert(portal_world, portal_world.other_user, portal_world.other_plan.patient)
    clock.advance(minutes=10)

    assert escalate_overdue_alerts() == [first]
    assert escalate_overdue_alerts() == []
    clock.advance(minutes=20)
    assert escalate_overdue_alerts() == [second]
    assert escalate_overdue_alerts() == []
    assert escalate_when_due.call() == 0
    escalated = dict(RedFlagAlert.objects.values_list("pk", "escalated_at"))
    assert escalated == {
        first.pk: clock.now - datetime.timedelta(minutes=20),
        second.pk: clock.now,
    }
    audited = AuditEvent.objects.filter(
        action=AuditAction.CHANGED, detail__reason="not acknowledged within 30 minutes"
    )
    assert audited.count() == 2


def test_an_escalation_email_is_not_sent_once_the_alert_is_acknowledged(
    portal_world, clock, on_call, kept_tasks, django_capture_on_commit_callbacks
):
    alert = raise_alert(portal_world)
    clock.advance(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        escalate_overdue_alerts()
    queued = [r for r in kept_tasks.results if r.task.func is send_red_flag_escalation_email.func]
    assert sorted(result.args[1] for result in queued) == sorted(
        team_addresses(portal_world) | {on_call}
    )
    acknowledge_alert(alert, portal_world.lead, outcome=AlertOutcome.ARRANGED_URGENT_REVIEW)
    assert [result.task.call(*result.args) for result in queued] == [False] * len(queued)
    assert mail.outbox == []


def test_without_an_on_call_address_the_team_alone_is_told(
    portal_world, clock, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_ON_CALL_EMAIL = ""
    raise_alert(portal_world)
    clock.advance(minutes=settings.RED_FLAG_ESCALATE_AFTER_MINUTES)
    escalate_alerts(django_capture_on_commit_callbacks)
    addresses = {address for message in mail.outbox for address in message.to}
    assert addresses == team_addresses(portal_world)


def test_the_escalation_and_its_emails_go_on_the_urgent_queue():
    for task in (escalate_when_due, send_red_flag_escalation_email, send_red_flag_alert_email):
        assert isinstance(task, RetriedTask)
        assert (task.queue_name, task.priority) == (URGENT_QUEUE, URGENT_PRIORITY)


# --- The database queue of production ----------------------------------------------------


def escalation_rows():
    return DBTaskResult.objects.filter(task_path=escalate_when_due.module_path)


def test_on_the_database_queue_the_escalation_is_queued_in_the_alerts_transaction(
    portal_world, on_call, database_queue
):
    class RolledBack(Exception):
        pass

    with pytest.raises(RolledBack), transaction.atomic():
        alert = raise_alert(portal_world)
        (row,) = escalation_rows()
        assert row.queue_name == URGENT_QUEUE
        assert row.priority == URGENT_PRIORITY
        assert row.run_after == alert.created_at + datetime.timedelta(minutes=30)
        raise RolledBack  # whatever fails later in the check-in's transaction
    assert not RedFlagAlert.objects.exists()
    assert not escalation_rows().exists()

    alert = raise_alert(portal_world)
    assert escalation_rows().get().run_after == alert.created_at + datetime.timedelta(minutes=30)


def test_on_the_database_queue_the_worker_escalates_when_due_and_not_before(
    portal_world, clock, on_call, run_worker
):
    alert = raise_alert(portal_world)
    run_worker()
    assert [message.to for message in mail.outbox] == [[portal_world.lead.email]]

    clock.advance(minutes=29)
    run_worker()
    alert.refresh_from_db()
    assert alert.escalated_at is None
    assert escalation_emails() == []

    clock.advance(minutes=1)
    run_worker()
    alert.refresh_from_db()
    assert alert.escalated_at == clock.now
    assert escalation_rows().get().return_value == 1
    addresses = sorted(address for message in escalation_emails() for address in message.to)
    assert addresses == sorted(team_addresses(portal_world) | {on_call})

    clock.advance(hours=1)
    run_worker()
    assert len(escalation_emails()) == len(addresses)
