"""A task left RUNNING by a worker that died is taken up again once JOBS_STRANDED_AFTER has
passed, by the next worker to look (at its start, then periodically); one that has had all
its attempts becomes a dead letter instead. (A real worker killed mid-task: see
test_jobs_worker.py.)"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import DeadLetter
from jobs.stranded import recover_stranded_tasks
from tests.jobs_tasks import note

pytestmark = pytest.mark.django_db


def left_running(result_id: str, *, seconds_ago: float, attempts: int = 1) -> None:
    """As a worker that claimed the task ``seconds_ago`` and died would have left it."""
    DBTaskResult.objects.filter(pk=result_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
        worker_ids=[f"dead-{n}" for n in range(attempts)],
    )


def test_a_task_left_running_by_a_dead_worker_is_run_again_by_the_next_worker(
    run_worker, settings, tmp_path
):
    log = tmp_path / "runs.log"
    result = note.enqueue(str(log), "reminder")
    left_running(result.id, seconds_ago=settings.JOBS_STRANDED_AFTER + 1)

    worker = run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["dead-0", worker.worker_id]
    assert log.read_text().splitlines() == ["start reminder", "done reminder"]


def test_a_task_running_for_less_than_the_timeout_is_left_to_its_worker(run_worker, tmp_path):
    result = note.enqueue(str(tmp_path / "runs.log"), "reminder")
    left_running(result.id, seconds_ago=0)

    run_worker()

    result.refresh()
    assert result.status == TaskResultStatus.RUNNING
    assert not (tmp_path / "runs.log").exists()


def test_a_task_stranded_on_its_last_attempt_becomes_a_dead_letter(database_queue, settings):
    result = note.enqueue("/nonexistent/runs.log", "reminder")
    left_running(
        result.id,
        seconds_ago=settings.JOBS_STRANDED_AFTER + 1,
        attempts=settings.JOBS_RETRY_ATTEMPTS,
    )

    recovered = recover_stranded_tasks("default")

    assert (recovered.requeued, recovered.failed) == (0, 1)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    dead = DeadLetter.objects.get(task_result_id=result.id)
    assert dead.error_class == "jobs.stranded.WorkerLost"
    assert dead.attempts == settings.JOBS_RETRY_ATTEMPTS
    assert "Still RUNNING" in dead.traceback
