"""Fixtures for the tests of background tasks (jobs/): the database task queue in place of
the immediate backend, the worker run inside the test, and a queue that keeps tasks without
running them.

    def test_x(database_queue, run_worker):
        send_alert.enqueue("lead@clinic.example")
        run_worker()            # runs every task ready now, then returns

    def test_y(kept_tasks):
        invite_patient(plan, lead)
        (result,) = kept_tasks.results   # queued, not sent

    def test_z(run_worker, smtp):
        send_alert.enqueue("lead@clinic.example")
        run_worker()                     # refused: no mail server yet, tried again later
        smtp.start()
        wait_until_due(result_id)
        run_worker()                     # delivered: smtp.messages

Each lists every queue of the site (``settings.TASK_QUEUES``): a backend refuses a task for
a queue it does not list, and Wagtail's index updates go on the bulk one (jobs.indexing).

``run_worker`` runs ``jobs.worker.Worker`` in the test's own transaction, so the tasks it
runs see the test's data and everything is rolled back afterwards. It keeps the test's
connection open: the worker closes connections it finds left in a transaction, which
inside a test would end the test's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import default_task_backend
from django_tasks.backends.base import BaseTaskBackend
from django_tasks_db.models import DBTaskResult

from jobs import worker as jobs_worker
from tests.smtp_sink import SmtpSink, free_port


@pytest.fixture
def database_queue(settings) -> None:
    """Tasks wait in the database queue (production's backend) for a worker."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}
    }


@pytest.fixture
def kept_tasks(settings) -> BaseTaskBackend:
    """Tasks are kept in memory, not run (django-tasks' dummy backend): ``.results``."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }
    return default_task_backend


@pytest.fixture
def run_worker(database_queue, monkeypatch) -> Callable[..., jobs_worker.Worker]:
    monkeypatch.setattr(jobs_worker, "close_old_connections", lambda: None)

    def run(*, queues: str = "*", max_tasks: int | None = None) -> jobs_worker.Worker:
        worker = jobs_worker.Worker(
            queue_names=queues.split(","),
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id=get_random_string(12),
        )
        worker.run()
        return worker

    return run


@pytest.fixture
def smtp(settings) -> Iterator[SmtpSink]:
    """Django sends mail over SMTP to a port where no server listens until ``start()``."""
    sink = SmtpSink(free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 5
    yield sink
    sink.stop()


def wait_until_due(result_id: str) -> None:
    """Sleep until the task's next attempt may run."""
    delay = (DBTaskResult.objects.get(pk=result_id).run_after - timezone.now()).total_seconds()
    time.sleep(max(delay, 0) + 0.02)
