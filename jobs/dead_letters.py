"""Dead letters for tasks run by backends that keep no results: the immediate backend of
development and tests runs a task as it is enqueued, so its failure is final there and
then. (The worker writes the database queue's own, with the FAILED status: jobs.results.)

Connected to django-tasks' ``task_finished`` signal (jobs.apps). The task ran inside the
code that enqueued it (a request, often in ``transaction.on_commit``): nothing here may
break that code, so a dead letter that cannot be written is logged instead.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import DatabaseError, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django_tasks import TaskResult, TaskResultStatus
from django_tasks_db.backend import TaskResult as DatabaseTaskResult

from .models import DeadLetter

logger = logging.getLogger("jobs")


def record_failed_immediate_task(sender: Any, task_result: TaskResult, **kwargs: Any) -> None:
    if task_result.status != TaskResultStatus.FAILED or isinstance(task_result, DatabaseTaskResult):
        return
    error = task_result.errors[-1]
    logger.error(
        "Task id=%s path=%s failed: %s",
        task_result.id,
        task_result.task.module_path,
        error.exception_class_path,
    )
    try:
        with transaction.atomic():
            DeadLetter.objects.create(
                task_path=task_result.task.module_path,
                task_result_id=task_result.id,
                backend=task_result.backend,
                queue_name=task_result.task.queue_name,
                priority=task_result.task.priority,
                arguments={"args": task_result.args, "kwargs": task_result.kwargs},
                attempts=task_result.attempts,
                error_class=error.exception_class_path,
                traceback=error.traceback,
                enqueued_at=task_result.enqueued_at,
                failed_at=task_result.finished_at or timezone.now(),
            )
    except (DatabaseError, TransactionManagementError):
        logger.exception("The failure of task id=%s was not recorded", task_result.id)
