"""A task declared with ``retried_task`` is tried again, later, when it fails for a passing
reason (the mail server down), and ends as a visible dead letter when it never succeeds."""

from __future__ import annotations

import logging
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import DeadLetter
from jobs.retry import retry_delay
from tests.jobs_fixtures import wait_until_due
from tests.jobs_tasks import fail_with_a_bug, send_alert

pytestmark = pytest.mark.django_db

LEAD = "lead@clinic.example"


def test_an_alert_refused_by_the_mail_server_is_delivered_once_after_a_retry(run_worker, smtp):
    result = send_alert.enqueue(LEAD)

    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.READY
    assert len(row.worker_ids) == 1
    assert row.exception_class_path == "builtins.ConnectionRefusedError"
    assert row.run_after > timezone.now()

    smtp.start()
    run_worker()
    assert smtp.messages == [], "the retry ran before its time"
    wait_until_due(result.id)
    run_worker()
    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.attempts == 2
    assert result.return_value == 2
    [message] = smtp.messages
    assert message["To"] == LEAD
    assert f"Sent on attempt 2 of task {result.id}." in message.get_payload()
    assert not DeadLetter.objects.exists()


def test_an_alert_that_never_gets_through_ends_as_a_dead_letter_logged_as_an_error(
    run_worker, smtp, settings, caplog
):
    settings.JOBS_RETRY_BASE_DELAY = 0.05
    result = send_alert.enqueue(LEAD)

    with caplog.at_level(logging.WARNING, logger="jobs"):
        for _ in range(settings.JOBS_RETRY_ATTEMPTS):
            run_worker()
            if DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.READY:
                wait_until_due(result.id)

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.attempts == settings.JOBS_RETRY_ATTEMPTS == 3
    dead = DeadLetter.objects.get()
    assert (dead.task_path, dead.task_result_id, dead.queue_name, dead.priority) == (
        "tests.jobs_tasks.send_alert",
        result.id,
        "urgent",
        100,
    )
    assert dead.arguments == {"args": [LEAD], "kwargs": {}}
    assert dead.attempts == 3
    assert dead.error_class == "builtins.ConnectionRefusedError"
    assert "ConnectionRefusedError" in dead.traceback
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "jobs"]
    assert len(errors) == 1
    assert "failed for good after 3 attempt(s)" in errors[0].getMessage()
    assert smtp.messages == []


def test_a_task_failing_with_a_bug_is_not_retried_and_becomes_a_dead_letter_at_once(run_worker):
    result = fail_with_a_bug.enqueue()

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.attempts == 1
    dead = DeadLetter.objects.get(task_result_id=result.id)
    assert dead.error_class == "builtins.ValueError"
    assert "a bug, not a passing fault" in dead.traceback


def test_the_wait_doubles_after_each_failure_up_to_the_maximum(settings):
    settings.JOBS_RETRY_BASE_DELAY, settings.JOBS_RETRY_MAX_DELAY = 30, 600
    assert [retry_delay(attempt) for attempt in range(1, 8)] == [30, 60, 120, 240, 480, 600, 600]


def test_on_the_immediate_backend_a_failed_task_is_a_dead_letter_at_once(caplog):
    with caplog.at_level(logging.ERROR, logger="jobs"):
        result = fail_with_a_bug.enqueue()

    assert result.status == TaskResultStatus.FAILED
    dead = DeadLetter.objects.get(task_result_id=result.id)
    assert (dead.backend, dead.attempts, dead.error_class) == ("default", 1, "builtins.ValueError")
    assert f"Task id={result.id} path=tests.jobs_tasks.fail_with_a_bug failed" in caplog.text


def test_a_dead_letter_that_cannot_be_written_never_breaks_the_code_that_enqueued(caplog):
    sent = mail.outbox
    unwritable = mock.patch.object(
        DeadLetter.objects, "create", side_effect=DatabaseError("disk full")
    )
    with unwritable, caplog.at_level(logging.ERROR, logger="jobs"):
        result = fail_with_a_bug.enqueue()
        send_alert.enqueue(LEAD)

    assert result.status == TaskResultStatus.FAILED
    assert f"The failure of task id={result.id} was not recorded" in caplog.text
    assert len(sent) == 1
