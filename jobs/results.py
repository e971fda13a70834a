"""What becomes of a task result in the database queue after an attempt, beyond
django_tasks_db's own ``set_successful``/``set_failed``: tried again later, put back
untouched, or failed for good as a dead letter.

A task tried again keeps its row: the same id, ``worker_ids`` growing by one per attempt
(django-tasks' ``TaskResult.attempts`` and ``TaskContext.attempt``), status READY with a
``run_after``, and the last error kept in ``exception_class_path``/``traceback`` until it
succeeds.
"""

from __future__ import annotations

import datetime
import logging
from traceback import format_exception

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.base import Task
from django_tasks.signals import task_finished
from django_tasks.utils import get_module_path
from django_tasks_db.models import DBTaskResult

from .models import DeadLetter

logger = logging.getLogger("jobs")


def reschedule(row: DBTaskResult, error: BaseException, delay: float) -> None:
    """Back to READY, to run ``delay`` seconds from now; ``error`` kept as the last one."""
    row.status = TaskResultStatus.READY
    row.run_after = timezone.now() + datetime.timedelta(seconds=delay)
    row.finished_at = None
    row.exception_class_path = get_module_path(type(error))
    row.traceback = "".join(format_exception(error))
    row.save(
        update_fields=["status", "run_after", "finished_at", "exception_class_path", "traceback"]
    )
    logger.warning(
        "Task id=%s path=%s attempt %d failed (%s); trying again in %.1f s",
        row.id,
        row.task_path,
        len(row.worker_ids),
        row.exception_class_path,
        delay,
    )


def release(row: DBTaskResult) -> None:
    """Back to READY at once: the worker stopped before the task finished."""
    row.status = TaskResultStatus.READY
    row.run_after = timezone.now()
    row.save(update_fields=["status", "run_after"])
    logger.warning("Task id=%s path=%s put back in its queue unfinished", row.id, row.task_path)


def give_up(row: DBTaskResult, error: BaseException) -> DeadLetter:
    """FAILED, and a dead letter for it, together; then django-tasks' ``task_finished``."""
    with transaction.atomic(using=row._state.db):
        row.set_failed(error)
        dead = DeadLetter.objects.update_or_create(
            backend=row.backend_name,
            task_result_id=str(row.id),
            defaults={
                "task_path": row.task_path,
                "queue_name": row.queue_name,
                "priority": row.priority,
                "arguments": row.args_kwargs,
                "attempts": len(row.worker_ids),
                "error_class": row.exception_class_path,
                "traceback": row.traceback,
                "enqueued_at": row.enqueued_at,
                "failed_at": row.finished_at,
            },
        )[0]
    logger.error(
        "Task id=%s path=%s failed for good after %d attempt(s): %s",
        row.id,
        row.task_path,
        dead.attempts,
        row.exception_class_path,
    )
    announce_finished(row)
    return dead


def loaded_task(row: DBTaskResult) -> Task | None:
    """The row's task, or None when it can no longer be loaded (renamed, removed)."""
    try:
        return row.task
    except (ImportError, SuspiciousOperation):
        return None


def announce_finished(row: DBTaskResult) -> None:
    """django-tasks' ``task_finished`` for the row, as django_tasks_db's worker sends it
    (not for a task that can no longer be loaded: it has no backend to send it for)."""
    task = loaded_task(row)
    if task is not None:
        task_finished.send(sender=type(task.get_backend()), task_result=row.task_result)
