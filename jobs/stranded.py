"""Tasks left RUNNING by a worker that died (killed, out of memory, the machine restarted):
django_tasks_db never looks at them again. ``recover_stranded_tasks`` does, and the worker
(jobs.worker) calls it when it starts and every ``JOBS_STRANDED_CHECK_INTERVAL`` seconds.

A task counts as stranded once it has been RUNNING for ``JOBS_STRANDED_AFTER`` seconds: no
task of ours should take that long (an email takes at most EMAIL_TIMEOUT). It goes back to
its queue at once, its attempt counted as failed (``WorkerLost``), or fails for good as a
dead letter once it has had all its attempts: a task that kills its worker every time must
not do so for ever. A task that really is still running when the time is up runs twice;
tasks must be safe to repeat (jobs.retry).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .results import give_up, loaded_task, reschedule
from .retry import attempts_allowed

logger = logging.getLogger("jobs")


class WorkerLost(Exception):
    """The worker running the task stopped before the task finished."""


@dataclass(frozen=True)
class Recovered:
    requeued: int = 0
    failed: int = 0


def recover_stranded_tasks(backend_name: str, now: datetime.datetime | None = None) -> Recovered:
    """Requeue (or fail for good) the tasks of ``backend_name`` stranded as of ``now``."""
    now = now or timezone.now()
    started_before = now - datetime.timedelta(seconds=float(settings.JOBS_STRANDED_AFTER))
    stranded = DBTaskResult.objects.running().filter(
        backend_name=backend_name, started_at__lt=started_before
    )
    requeued = failed = 0
    with transaction.atomic(using=stranded.db):
        # Locked, skipping rows another worker is recovering at the same moment.
        for row in stranded.select_for_update(skip_locked=True).order_by("started_at"):
            attempts = len(row.worker_ids)
            error = WorkerLost(
                f"Still RUNNING {(now - row.started_at).total_seconds():.0f} s after attempt "
                f"{attempts} started (worker {row.worker_ids[-1] if row.worker_ids else '?'})."
            )
            if attempts < attempts_allowed(loaded_task(row)):
                reschedule(row, error, delay=0)
                requeued += 1
            else:
                give_up(row, error)
                failed += 1
    if requeued or failed:
        logger.warning(
            "Stranded tasks of backend %s: %d requeued, %d failed for good",
            backend_name,
            requeued,
            failed,
        )
    return Recovered(requeued=requeued, failed=failed)
