from __future__ import annotations

from django.db import models
from django.utils import timezone


class DeadLetter(models.Model):
    """A background task that failed for good: its last attempt failed and none will follow.

    Written by the worker (``jobs.results.give_up``) in the same transaction as the task
    result's FAILED status, and by ``jobs.dead_letters`` for backends that keep no results
    (the immediate backend of development and tests). Staff read them in the Wagtail admin
    (Settings → Failed tasks). Tasks take ids, never patient details, so ``arguments`` are
    ids; the error may name an email address the mail server refused.
    """

    task_path = models.CharField(max_length=255)
    # The task result's id: the same row across its attempts (django_tasks_db's UUID).
    task_result_id = models.CharField(max_length=64)
    backend = models.CharField(max_length=32)
    queue_name = models.CharField(max_length=32)
    priority = models.IntegerField()
    # {"args": [...], "kwargs": {...}}, as the task was enqueued.
    arguments = models.JSONField()
    attempts = models.PositiveIntegerField()
    error_class = models.CharField("error", max_length=255)
    traceback = models.TextField("last error")
    enqueued_at = models.DateTimeField(null=True)
    failed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-failed_at", "-pk"]
        verbose_name = "failed task"
        verbose_name_plural = "failed tasks"
        constraints = [
            models.UniqueConstraint(
                fields=["backend", "task_result_id"], name="jobs_one_dead_letter_per_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.error_class.rsplit('.', 1)[-1]})"

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]
