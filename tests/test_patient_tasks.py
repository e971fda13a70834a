"""Every patient-portal email leaves through a django-tasks task: the request only enqueues,
the worker sends, and tries again while the mail server is down. Tests run tasks with the
Dummy backend (kept, not run) to prove it, and with the database queue and its worker."""

import importlib
from unittest import mock

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from careteam.models import Patient
from jobs.models import DeadLetter
from jobs.queues import DEFAULT_QUEUE, URGENT_PRIORITY, URGENT_QUEUE
from jobs.retry import RetriedTask
from patientportal.models import RedFlag
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.logins import invite_patient
from patientportal.tasks import (
    send_invitation_email,
    send_reading_assigned_email,
    send_red_flag_alert_email,
)
from tests.jobs_fixtures import wait_until_due
from tests.patient_fixtures import activate_plan
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(kept_tasks):
    """Tasks are kept in memory instead of run; on_commit callbacks run at once."""
    with mock.patch("django.db.transaction.on_commit", lambda fn: fn()):
        yield kept_tasks


def ours(backend):
    """Our queued emails (Wagtail queues its own search and reference-index tasks too, and a
    red flag its escalation: tests/test_patient_escalation.py)."""
    return [r for r in backend.results if r.task.module_path.startswith("patientportal.tasks.")]


def run_all(backend):
    """What `manage.py run_worker` does in production."""
    return [result.task.call(*result.args, **result.kwargs) for result in ours(backend)]


def test_assignment_email_is_queued_then_sent_by_the_worker(portal_world, site_tree, queued):
    page = make_article(site_tree.articles, "Pacing basics")
    assignment = assign_reading(portal_world.plan, portal_world.lead, page)
    assert mail.outbox == []
    (result,) = ours(queued)
    assert result.task.func is send_reading_assigned_email.func
    assert result.args == [assignment.pk]
    assert run_all(queued) == [True]
    assert mail.outbox[0].to == [portal_world.patient_user.email]
    assert mail.outbox[0].subject == "Your care team has suggested something to read"


def test_each_service_enqueues_its_own_task(portal_world, care_team, site_tree, queued):
    page = make_article(site_tree.articles, "Sleep and flares")
    other = activate_plan(portal_world.other_plan)
    Patient.objects.filter(pk=other.patient_id).update(user=None, email="third@example.com")
    other.patient.refresh_from_db()
    invite_patient(other, care_team.lead)
    assign_reading(portal_world.plan, care_team.physio, page)
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.CONSTANT_PAIN_NOT_EASED_BY_REST],
    )
    assert [result.task.func for result in ours(queued)] == [
        send_invitation_email.func,
        send_reading_assigned_email.func,
        send_red_flag_alert_email.func,
    ]
    assert mail.outbox == []
    assert run_all(queued) == [True, True, True]
    assert [message.to for message in mail.outbox] == [
        ["third@example.com"],
        [portal_world.patient_user.email],
        [care_team.lead.email],
    ]


def test_every_email_is_retried_and_the_red_flag_alert_goes_ahead_of_the_rest():
    for email_task in (send_invitation_email, send_reading_assigned_email):
        assert isinstance(email_task, RetriedTask)
        assert (email_task.queue_name, email_task.priority) == (DEFAULT_QUEUE, 0)
    assert isinstance(send_red_flag_alert_email, RetriedTask)
    assert send_red_flag_alert_email.queue_name == URGENT_QUEUE
    assert send_red_flag_alert_email.priority == URGENT_PRIORITY > 0


def test_a_red_flag_email_refused_by_the_mail_server_reaches_the_lead_once_after_a_retry(
    portal_world, run_worker, smtp
):
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=9,
        red_flags=[RedFlag.BLADDER_OR_BOWEL],
    )
    row = DBTaskResult.objects.get(task_path=send_red_flag_alert_email.module_path)
    assert (row.queue_name, row.priority) == (URGENT_QUEUE, URGENT_PRIORITY)

    run_worker()  # no mail server yet
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY and len(row.worker_ids) == 1
    smtp.start()
    wait_until_due(row.pk)
    run_worker()
    run_worker()

    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL and len(row.worker_ids) == 2
    [message] = smtp.messages
    assert message["To"] == portal_world.lead.email
    assert not DeadLetter.objects.exists()


def test_tasks_for_vanished_records_send_nothing(db):
    assert send_invitation_email.call(999999) is False
    assert send_reading_assigned_email.call(999999) is False
    assert send_red_flag_alert_email.call(999999) is False
    assert mail.outbox == []


def test_production_uses_the_database_queue(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example")
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)
    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in production.INSTALLED_APPS
