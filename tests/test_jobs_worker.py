"""The worker (``manage.py run_worker``) as production runs it, a process of its own on
PostgreSQL: killed mid-task, its task is run again by the next worker; it outlives the
database stopping and its connection being killed, and writes what finished meanwhile
without running it twice; SIGTERM stops it cleanly.

PostgreSQL only. The worker connects to the test database as the application's role. Tasks
are enqueued, and removed afterwards, on connections of their own so that the worker sees
them: not ``django_db(transaction=True)``, whose flush would empty the tables the other
tests rely on (tests/audit_role_fixtures.py).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import DeadLetter
from tests.jobs_tasks import note
from tests.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="a worker process needs a shared database"
    ),
    pytest.mark.django_db,
]

ROOT = Path(__file__).resolve().parent.parent
TEST_TASKS = "tests.jobs_tasks."


def on_own_connection(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread, on its own connection, committed when it returns."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed back to the caller below
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def remove_test_tasks() -> None:
    DBTaskResult.objects.filter(task_path__startswith=TEST_TASKS).delete()
    DeadLetter.objects.filter(task_path__startswith=TEST_TASKS).delete()


@pytest.fixture
def committed_queue(database_queue) -> Iterator[Callable[..., str]]:
    """``enqueue(task, *args)`` commits the task to the database queue; returns its id."""
    on_own_connection(remove_test_tasks)  # left over from an interrupted run
    yield lambda task, *args: on_own_connection(lambda: task.enqueue(*args).id)
    on_own_connection(remove_test_tasks)


class WorkerProcess:
    def __init__(self, name: str, log: Path, host: str, port: int) -> None:
        self.name = name
        database = connection.settings_dict
        query = urlencode(
            {"options": f"-c role={settings.TEST_DATABASE_APP_ROLE}", "application_name": name}
        )
        url = (
            f"postgres://{quote(database['USER'])}:{quote(database['PASSWORD'] or '')}"
            f"@{host}:{port}/{quote(database['NAME'])}?{query}"
        )
        self.output = log.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--settings=tests.jobs_worker_settings",
                "--queue-name=*",
                "--interval=0.05",
                "--no-startup-delay",
                f"--worker-id={name}",
            ],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "60"},
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        self._log = log

    @property
    def log(self) -> str:
        return self._log.read_text()

    def stop(self) -> int:
        """SIGTERM, as systemd and docker stop it; its exit code."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=10)
        finally:
            self.output.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)
        self.output.close()


@pytest.fixture
def start_worker(tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(name: str, via: TcpProxy | None = None) -> WorkerProcess:
        database = connection.settings_dict
        host, port = ("127.0.0.1", via.port) if via else (database["HOST"], database["PORT"])
        worker = WorkerProcess(name, tmp_path / f"{name}.log", host, port)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


def status(result_id: str) -> str:
    return DBTaskResult.objects.get(pk=result_id).status


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def terminate_backends(application_name: str) -> int:
    """pg_terminate_backend() of the named process's connections, as the database owner."""
    database = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"],
        port=database["PORT"],
    )
    try:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = %s AND application_name = %s",
                [database["NAME"], application_name],
            )
            return cursor.fetchone()[0]
    finally:
        admin.close()


def test_a_task_whose_worker_was_killed_is_run_again_by_the_next_worker(
    committed_queue, start_worker, tmp_path
):
    log = tmp_path / "runs.log"
    result_id = committed_queue(note, str(log), "alert", 1.0)
    first = start_worker("jobs-killed")
    wait_for(lambda: lines(log) == ["start alert"], "the task to start")

    first.kill()
    assert status(result_id) == TaskResultStatus.RUNNING

    second = start_worker("jobs-next")
    wait_for(lambda: status(result_id) == TaskResultStatus.SUCCESSFUL, "the task to run again")
    assert lines(log) == ["start alert", "start alert", "done alert"]
    assert DBTaskResult.objects.get(pk=result_id).worker_ids == ["jobs-killed", "jobs-next"]
    assert "1 requeued" in second.log
    assert second.stop() == 0


def test_the_worker_outlives_the_database_stopping_and_writes_what_finished_meanwhile(
    committed_queue, start_worker, tmp_path
):
    proxy = TcpProxy((connection.settings_dict["HOST"], int(connection.settings_dict["PORT"])))
    proxy.start()
    log = tmp_path / "runs.log"
    try:
        worker = start_worker("jobs-outage", via=proxy)
        during = committed_queue(note, str(log), "during", 0.5)
        wait_for(lambda: lines(log) == ["start during"], "the task to start")

        proxy.stop()  # the database goes away while the task runs, and stays away
        wait_for(lambda: worker.log.count("Database unavailable") >= 3, "tries to reconnect")
        assert worker.process.poll() is None, worker.log
        assert lines(log) == ["start during", "done during"]

        proxy.start()
        after = committed_queue(note, str(log), "after")
        wait_for(lambda: status(after) == TaskResultStatus.SUCCESSFUL, "the next task")
    finally:
        proxy.stop()

    assert status(during) == TaskResultStatus.SUCCESSFUL
    assert lines(log) == ["start during", "done during", "start after", "done after"]
    assert worker.stop() == 0


def test_the_worker_survives_its_connection_being_killed(committed_queue, start_worker, tmp_path):
    log = tmp_path / "runs.log"
    worker = start_worker("jobs-killed-connection")
    during = committed_queue(note, str(log), "during", 0.5)
    wait_for(lambda: lines(log) == ["start during"], "the task to start")

    assert terminate_backends("jobs-killed-connection") == 1
    wait_for(lambda: status(during) == TaskResultStatus.SUCCESSFUL, "the outcome to be written")
    after = committed_queue(note, str(log), "after")
    wait_for(lambda: status(after) == TaskResultStatus.SUCCESSFUL, "the next task")

    assert lines(log) == ["start during", "done during", "start after", "done after"]
    assert worker.process.poll() is None
    assert worker.stop() == 0


def test_sigterm_lets_the_task_in_hand_finish_then_stops_the_worker(
    committed_queue, start_worker, tmp_path
):
    log = tmp_path / "runs.log"
    worker = start_worker("jobs-stopped")
    during = committed_queue(note, str(log), "during", 0.5)
    wait_for(lambda: lines(log) == ["start during"], "the task to start")

    assert worker.stop() == 0

    assert lines(log) == ["start during", "done during"]
    assert status(during) == TaskResultStatus.SUCCESSFUL
