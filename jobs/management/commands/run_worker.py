"""``manage.py run_worker``: the task worker for production (jobs.worker).

Takes ``db_worker``'s options. Run it under a supervisor that restarts it (deploy/)::

    manage.py run_worker --queue-name '*' --interval 1

and, optionally, a second one for red flags alone: ``--queue-name urgent``.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from jobs.worker import Worker


class Command(db_worker.Command):
    help = (
        "Run the task worker: db_worker's loop, plus retries, dead letters, recovery of "
        "stranded tasks, and waiting out database outages."
    )

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        # Retries, dead letters and outages are warnings and errors: shown even at -v 0.
        logging.getLogger("jobs").setLevel(logging.INFO if verbosity else logging.WARNING)

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        exclude_queues: str,
        reload: bool,
        batch: bool,
        **options: Any,
    ) -> None:
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            batch=batch,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload and not batch:
            # As db_worker: only the reloader's child process handles the signals.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
