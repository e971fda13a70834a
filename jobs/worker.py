"""django_tasks_db's worker, made to last (``manage.py run_worker``).

The same loop as ``db_worker`` (the waiting task of highest priority first, claimed with
``SELECT ... FOR UPDATE SKIP LOCKED``; SIGTERM or SIGINT: finish the task in hand, then
stop; a second one stops at once), and:

- **Retries.** A task declared with ``jobs.retry.retried_task`` that fails with one of its
  transient errors goes back to its queue to run later (``jobs.results.reschedule``). A
  task that fails for good becomes a dead letter (``jobs.results.give_up``).
- **Database outages.** Where ``db_worker`` exits on the first ``OperationalError``, this
  one closes its connections and waits, ``JOBS_OUTAGE_BASE_DELAY`` seconds doubled at each
  failed try up to ``JOBS_OUTAGE_MAX_DELAY``, then carries on. The outcome of a task that
  finished while the database was away is kept and written once it is back, so an email
  sent is not sent again.
- **Stranded tasks.** At start and every ``JOBS_STRANDED_CHECK_INTERVAL`` seconds it puts
  back the tasks a dead worker left RUNNING (``jobs.stranded``).
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django_tasks import TaskContext
from django_tasks.signals import task_started
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .results import announce_finished, give_up, loaded_task, release, reschedule
from .retry import retry_delay, should_retry
from .stranded import recover_stranded_tasks

logger = logging.getLogger("jobs")

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class Outcome:
    """What one attempt of a task came to: its return value, or the error it raised."""

    value: Any = None
    error: BaseException | None = None


class Worker(db_worker.Worker):
    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # A task's outcome not yet written because the database went away meanwhile.
        self._unwritten: tuple[DBTaskResult, Outcome] | None = None
        self._next_recovery = 0.0

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        if self.startup_delay and self.interval:
            # A small random delay, as db_worker's, so that workers started together spread.
            time.sleep(random.random())  # noqa: S311
        failures = 0
        while self.running:
            try:
                self._catch_up()
                found = self._run_next()
            except DATABASE_UNAVAILABLE as error:
                failures += 1
                self._wait_for_database(error, failures)
                continue
            if failures:
                logger.warning("Database reachable again after %d failed tries", failures)
                failures = 0
            if (self.batch and not found) or (
                self.max_tasks is not None and self._run_tasks >= self.max_tasks
            ):
                logger.info("Worker worker_id=%s done, exiting", self.worker_id)
                return
            if self.running and not found:
                time.sleep(self.interval)

    def _catch_up(self) -> None:
        if self._unwritten is not None:
            self._write(*self._unwritten)
        if time.monotonic() >= self._next_recovery:
            recover_stranded_tasks(self.backend_name)
            self._next_recovery = time.monotonic() + float(settings.JOBS_STRANDED_CHECK_INTERVAL)

    def _run_next(self) -> bool:
        """Claim the next waiting task and run it; False when none was waiting."""
        close_old_connections()
        waiting = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            waiting = waiting.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            waiting = waiting.exclude(queue_name__in=self.excluded_queue_names)
        # From here to the task's end a first SIGTERM lets the task finish.
        self.running_task = True
        try:
            with exclusive_transaction(waiting.db):
                row = waiting.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
            if row is None:
                return False
            self.run_task(row)
            return True
        finally:
            self.running_task = False

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self._run_tasks += 1
        outcome = self._attempt(db_task_result)
        self._unwritten = (db_task_result, outcome)
        self._write(db_task_result, outcome)

    def _attempt(self, row: DBTaskResult) -> Outcome:
        try:
            task = row.task
            result = row.task_result
            task_started.send(sender=type(task.get_backend()), task_result=result)
            if task.takes_context:
                value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
        except (KeyboardInterrupt, SystemExit):
            # Stopped at once (a second signal): the task goes back to its queue unfinished.
            self._release_quietly(row)
            raise
        except BaseException as error:
            return Outcome(error=error)
        return Outcome(value=value)

    def _write(self, row: DBTaskResult, outcome: Outcome) -> None:
        if outcome.error is None:
            try:
                row.set_successful(outcome.value)
            except DATABASE_UNAVAILABLE:
                raise
            except Exception as error:  # the return value cannot be stored (not JSON)
                give_up(row, error)
            else:
                announce_finished(row)
        else:
            if isinstance(outcome.error, DatabaseError):
                # The task's own connection may be the one that broke: a fresh one writes.
                close_old_connections()
            attempt = len(row.worker_ids)
            if should_retry(loaded_task(row), outcome.error, attempt):
                reschedule(row, outcome.error, retry_delay(attempt))
            else:
                give_up(row, outcome.error)
        self._unwritten = None

    def _release_quietly(self, row: DBTaskResult) -> None:
        try:
            release(row)
        except DatabaseError:
            logger.warning("Task id=%s left RUNNING; it is recovered later", row.id)

    def _wait_for_database(self, error: BaseException, failures: int) -> None:
        # A connection to a database that has gone cannot always be closed cleanly.
        with suppress(DatabaseError):
            connections.close_all()
        delay = min(
            float(settings.JOBS_OUTAGE_BASE_DELAY) * 2 ** (failures - 1),
            float(settings.JOBS_OUTAGE_MAX_DELAY),
        )
        logger.warning(
            "Database unavailable (%s: %s); trying again in %.1f s",
            type(error).__name__,
            str(error).strip(),
            delay,
        )
        time.sleep(delay)
