"""Handing a task to the queue in the same transaction as what it is about.

    with transaction.atomic():
        alert = RedFlagAlert.objects.create(...)
        enqueue_in_transaction(send_red_flag_alert_email, alert.pk)

A check-in and its red-flag alerts, an invitation, a reading assignment, an emergency
access, a password reset or a change to a login's security: each is committed together
with the task that sends its email, or not at all. Nothing can be saved with its email
lost, and no email can go out about something that was rolled back. Every email of the
site is handed over this way, not with ``transaction.on_commit`` of its own.

- On the database queue (``django_tasks_db.DatabaseBackend``, production) enqueueing is an
  ``INSERT`` of the task's row (``DatabaseBackend.enqueue`` -> ``DBTaskResult.objects
  .create``), so it is made inside the caller's transaction. If it fails, the transaction
  rolls back and the caller sees the error: nothing is half-saved, and a retry (the same
  one-time form key, ``patientportal.services.submissions``) stores everything once.
- Any other backend is not part of the transaction. The ``ImmediateBackend`` of development
  and tests runs the task at once: inside the transaction, a slow or failing mail server
  would hold or break the caller's write. So the task is enqueued once the transaction has
  committed, and a failure to enqueue is logged, never raised: what was committed stands,
  and the user is not shown an error for it. (Not ``on_commit(..., robust=True)``: its log
  line names the callback, and for a ``functools.partial`` Django 5.2 fails on that.)

Outside ``transaction.atomic()`` (autocommit) both come to the same: the task is enqueued
at once.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger("jobs")


def enqueue_in_transaction(task: Task, *args: object) -> None:
    """Queue ``task(*args)`` so that it is committed with the current transaction."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args)
        return

    def enqueue_after_commit() -> None:
        try:
            task.enqueue(*args)
        except Exception:
            logger.exception(
                "Could not queue %s%r after its transaction committed.", task.module_path, args
            )

    transaction.on_commit(enqueue_after_commit)
