"""Tasks that are tried again when they fail for a passing reason.

Declare one with ``retried_task`` instead of django-tasks' ``task``::

    @retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY)
    def send_red_flag_alert_email(alert_id: int) -> bool:
        ...

When it raises one of ``retry_on`` (by default ``TRANSIENT_ERRORS``: the mail server or the
database out of reach), the worker (``jobs.worker``) puts the same task result back in its
queue to run after ``retry_delay(attempt)`` seconds: ``JOBS_RETRY_BASE_DELAY``, doubled at
each attempt, at most ``JOBS_RETRY_MAX_DELAY``. After ``JOBS_RETRY_ATTEMPTS`` attempts (or
``max_attempts``), or on any other error, it fails for good and becomes a dead letter
(``jobs.models.DeadLetter``).

Tasks may run more than once (an email sent just before the worker died is sent again):
a task that must not repeat its effect checks for it, and makes that effect its last step,
so that a retry follows only an attempt that did not have it. With ``takes_context=True`` it
is given django-tasks' ``TaskContext`` as its first argument (``task.call`` then needs one
too): ``context.attempt`` counts from 1 and ``context.task_result.id`` stays the same across
its attempts, a key for that check.

The immediate backend of development and tests cannot run a task later: there a failure
is final at once.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks.base import DEFAULT_TASK_PRIORITY, Task
from typing_extensions import ParamSpec

P = ParamSpec("P")
T = TypeVar("T")

# The mail server refused or dropped the connection, a socket timed out, the database was
# unreachable or its connection was lost.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    smtplib.SMTPException,
    OSError,
    OperationalError,
    InterfaceError,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RetriedTask(Task[P, T]):
    """A django-tasks ``Task`` that the worker runs again after ``retry_on`` errors."""

    retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS
    # None: settings.JOBS_RETRY_ATTEMPTS.
    max_attempts: int | None = None


def retried_task(
    *,
    priority: int = DEFAULT_TASK_PRIORITY,
    queue_name: str = DEFAULT_TASK_QUEUE_NAME,
    backend: str = DEFAULT_TASK_BACKEND_ALIAS,
    takes_context: bool = False,
    retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
    max_attempts: int | None = None,
) -> Callable[[Callable[..., T]], RetriedTask[Any, T]]:
    """Like ``django_tasks.task(...)``, for a task retried after ``retry_on`` errors."""

    def declare(function: Callable[..., T]) -> RetriedTask[Any, T]:
        return RetriedTask(
            func=function,
            priority=priority,
            queue_name=queue_name,
            backend=backend,
            takes_context=takes_context,
            run_after=None,
            retry_on=retry_on,
            max_attempts=max_attempts,
        )

    return declare


def attempts_allowed(task: Task | None) -> int:
    """How many times ``task`` may be tried in all (``None``: a task that cannot be loaded)."""
    if isinstance(task, RetriedTask) and task.max_attempts is not None:
        return task.max_attempts
    return int(settings.JOBS_RETRY_ATTEMPTS)


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...)."""
    delay = float(settings.JOBS_RETRY_BASE_DELAY) * 2 ** max(attempt - 1, 0)
    return min(delay, float(settings.JOBS_RETRY_MAX_DELAY))


def should_retry(task: Task | None, error: BaseException, attempt: int) -> bool:
    """Whether ``task``, having failed with ``error`` on attempt ``attempt``, runs again."""
    return (
        isinstance(task, RetriedTask)
        and isinstance(error, task.retry_on)
        and attempt < attempts_allowed(task)
    )
