"""Whether this process can do its work: the database answers, the cache answers, the task
queues can be read (with how many tasks wait and for how long), and no urgent task (a
red-flag email, jobs.queues) has waited too long.

``check_readiness()`` runs the probes and returns a ``Readiness``. It is ready when all three
answered and the oldest waiting task of the urgent queue has waited no longer than
``settings.READY_URGENT_MAX_AGE_SECONDS`` (0: its age is reported, not judged): past that the
worker is dead or swamped and a patient's red flag is not reaching their team. The other
figures are reported, not judged: the depth and age of each queue, and how many tasks have
failed for good (``dead_letters``, jobs.models.DeadLetter, listed in Settings → Failed tasks).

Queues are read on every database task backend (``django_tasks_db``, production); the
immediate backend of development and tests has none. A task is waiting when it is ready to run
now (status READY, no ``run_after`` or one already passed); it has waited since it was
enqueued, or since its ``run_after`` when that came later.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import Case, Count, F, Min, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend

from jobs.models import DeadLetter
from jobs.queues import URGENT_QUEUE

# django_tasks_db's model, by its app label: its module can only be imported where the app
# is installed (production), and the immediate backend of tests and development has none.
TASK_RESULT_MODEL = "django_tasks_database.DBTaskResult"
CACHE_PROBE_PREFIX = "ops:readyz:"
CACHE_PROBE_SECONDS = 10


@dataclass(frozen=True)
class QueueDepth:
    backend: str
    queue: str
    waiting: int
    oldest_waiting_seconds: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "backend": self.backend,
            "queue": self.queue,
            "waiting": self.waiting,
            "oldest_waiting_seconds": self.oldest_waiting_seconds,
        }


@dataclass(frozen=True)
class TaskFigures:
    queues: list[QueueDepth]
    # Tasks that failed for good (jobs' dead letters).
    dead_letters: int

    @property
    def oldest_urgent_waiting_seconds(self) -> float | None:
        """How long the oldest task waiting in the urgent queue of any backend has waited."""
        return _oldest(q for q in self.queues if q.queue == URGENT_QUEUE)

    def urgent_late(self, max_age: float) -> bool:
        """Whether the oldest urgent task has waited longer than ``max_age`` (0: never)."""
        age = self.oldest_urgent_waiting_seconds
        return bool(max_age) and age is not None and age > max_age

    def as_dict(self) -> dict[str, object]:
        return {
            "waiting": sum(q.waiting for q in self.queues),
            "oldest_waiting_seconds": _oldest(self.queues),
            "oldest_urgent_waiting_seconds": self.oldest_urgent_waiting_seconds,
            "dead_letters": self.dead_letters,
            "queues": [q.as_dict() for q in self.queues],
        }


def _oldest(queues: Iterable[QueueDepth]) -> float | None:
    ages = [q.oldest_waiting_seconds for q in queues if q.oldest_waiting_seconds is not None]
    return max(ages, default=None)


@dataclass(frozen=True)
class Readiness:
    database: bool
    cache: bool
    # None when the queues could not be read (the database is down, or their table is missing).
    tasks: TaskFigures | None
    # settings.READY_URGENT_MAX_AGE_SECONDS when the figures were taken.
    urgent_max_age: float

    @property
    def urgent_late(self) -> bool:
        return self.tasks is not None and self.tasks.urgent_late(self.urgent_max_age)

    @property
    def ready(self) -> bool:
        return self.database and self.cache and self.tasks is not None and not self.urgent_late

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ready" if self.ready else "not ready",
            "checks": {
                "database": _word(self.database),
                "cache": _word(self.cache),
                "tasks": _word(self.tasks is not None),
                "urgent_tasks": "late" if self.urgent_late else _word(self.tasks is not None),
            },
            "urgent_max_age_seconds": self.urgent_max_age,
            "tasks": None if self.tasks is None else self.tasks.as_dict(),
        }


def _word(ok: bool) -> str:
    return "ok" if ok else "unavailable"


def database_reachable() -> bool:
    """One ``SELECT 1`` on the default database (connecting first if need be)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def cache_reachable() -> bool:
    """A value written to the default cache under a key of its own reads back the same."""
    key = CACHE_PROBE_PREFIX + get_random_string(16)
    try:
        cache.set(key, key, timeout=CACHE_PROBE_SECONDS)
        answered = cache.get(key) == key
        cache.delete(key)
    # Each cache backend fails in its own way (redis.ConnectionError, OSError, pymemcache's
    # errors...); whichever it is, the cache did not answer.
    except Exception:
        return False
    return answered


def waiting_tasks(now: datetime.datetime) -> list[QueueDepth]:
    """Every queue of every database task backend (configured queues first, with 0 when
    empty), with how many tasks wait and how long the oldest has waited, in seconds."""
    depths: list[QueueDepth] = []
    for backend in task_backends.all():
        if isinstance(backend, DatabaseBackend):
            depths.extend(_database_backend_queues(backend, now))
    return depths


def _database_backend_queues(backend: DatabaseBackend, now: datetime.datetime) -> list[QueueDepth]:
    results = apps.get_model(TASK_RESULT_MODEL).objects
    waiting_since = Case(
        When(run_after__lte=now, then=Greatest("enqueued_at", "run_after")),
        default=F("enqueued_at"),
    )
    rows = (
        results.ready()
        .filter(backend_name=backend.alias)
        .values("queue_name")
        .annotate(waiting=Count("id"), since=Min(waiting_since))
        .order_by("queue_name")
    )
    found = {row["queue_name"]: row for row in rows}
    names = sorted(backend.queues) + sorted(set(found) - set(backend.queues))
    return [_depth(backend.alias, name, found.get(name), now) for name in names]


def _depth(
    backend: str, queue: str, row: dict[str, Any] | None, now: datetime.datetime
) -> QueueDepth:
    if row is None:
        return QueueDepth(backend, queue, waiting=0, oldest_waiting_seconds=None)
    age = round(max((now - row["since"]).total_seconds(), 0.0), 1)
    return QueueDepth(backend, queue, waiting=row["waiting"], oldest_waiting_seconds=age)


def check_readiness() -> Readiness:
    database = database_reachable()
    return Readiness(
        database=database,
        cache=cache_reachable(),
        tasks=_task_figures() if database else None,
        urgent_max_age=float(settings.READY_URGENT_MAX_AGE_SECONDS),
    )


def _task_figures() -> TaskFigures | None:
    try:
        return TaskFigures(
            queues=waiting_tasks(timezone.now()), dead_letters=DeadLetter.objects.count()
        )
    except DatabaseError:
        return None
