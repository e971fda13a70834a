"""Tasks the tests of jobs/ enqueue (tests/test_jobs_*.py), run by a worker in the test
process or in a subprocess (which imports them by path, as it would the site's own)."""

from __future__ import annotations

import time
from pathlib import Path

from django.core.mail import send_mail
from django_tasks import TaskContext, task

from jobs.queues import URGENT_PRIORITY, URGENT_QUEUE
from jobs.retry import retried_task


@retried_task(queue_name=URGENT_QUEUE, priority=URGENT_PRIORITY, takes_context=True)
def send_alert(context: TaskContext, recipient: str) -> int:
    """An urgent email, declared as a red-flag alert is: returns the attempt that sent it."""
    send_mail(
        "Red flag reported",
        f"Sent on attempt {context.attempt} of task {context.task_result.id}.",
        None,
        [recipient],
    )
    return context.attempt


@retried_task()
def fail_with_a_bug() -> None:
    raise ValueError("a bug, not a passing fault")


@task()
def note(path: str, label: str, seconds: float = 0) -> str:
    """Append "start <label>" to the file at ``path``, wait ``seconds``, then append
    "done <label>": a task to interrupt mid-run and see how often it ran."""
    log = Path(path)
    with log.open("a") as out:
        out.write(f"start {label}\n")
    time.sleep(seconds)
    with log.open("a") as out:
        out.write(f"done {label}\n")
    return label
