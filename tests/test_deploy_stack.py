"""The smoke script (deploy/run_local.py) really serves the portal through nginx: nginx on
loopback → gunicorn → production settings, on a SQLite database of its own.

Runs wherever nginx is installed (CI included). The first run migrates a database once and
keeps it under .pytest_cache/ (keyed by the migrations and the installed packages); later runs
copy it, so the stack is up in seconds and the module takes well under 30 s."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench import wrk
from bench.slow_clients import measure_way
from bench.stack import BenchStack
from bench.through_stack import TRIVIAL, StackPage, measure
from deploy.launch import LaunchedStack, launched_stack
from deploy.run_local import LOOPBACK_ENV

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

PROJECT_DIR = Path(__file__).resolve().parent.parent
SMOKE_CACHE = PROJECT_DIR / ".pytest_cache" / "deploy-smoke"


def fingerprint() -> str:
    """Changes when a migration or an installed package does."""
    digest = hashlib.sha256()
    for path in sorted(PROJECT_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(path.read_bytes())
    installed = importlib.metadata.distributions()
    packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in installed)
    digest.update("\n".join(packages).encode())
    return digest.hexdigest()[:16]


def stack_env(database: Path) -> dict[str, str]:
    """What run_local gives its processes, for a manage.py command of the test's own: never
    the developer's database (MIGRATION_DATABASE_URL would take over `migrate`) or cache."""
    env = {
        **os.environ,
        **LOOPBACK_ENV,
        "SECRET_KEY": "smoke-test-only-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    for name in ("MIGRATION_DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    return env


def manage(database: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=PROJECT_DIR,
        env=stack_env(database),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


def migrated_database(into: Path) -> Path:
    cached = SMOKE_CACHE / f"db-{fingerprint()}.sqlite3"
    if not cached.exists():
        SMOKE_CACHE.mkdir(parents=True, exist_ok=True)
        for old in SMOKE_CACHE.glob("db-*.sqlite3"):
            old.unlink()
        building = cached.with_name(f"building-{os.getpid()}.sqlite3")
        manage(building, "migrate", "--noinput")
        building.replace(cached)
    database = into / "db.sqlite3"
    shutil.copyfile(cached, database)
    return database


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> LaunchedStack:
    state = tmp_path_factory.mktemp("stack")
    database = migrated_database(state)
    # No worker: the queue test below runs one itself, when it has seen the task wait.
    args = ["--no-worker", "--workers", "2", "--database-url", f"sqlite:///{database}"]
    # No worker recycling, as in the bench: a worker replaced mid-test takes its CPU time
    # with it (bench/stack.py).
    env = {**os.environ, "GUNICORN_MAX_REQUESTS": "0"}
    with launched_stack(args, state_dir=state, env=env) as running:
        yield running


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def gunicorn_log(stack: LaunchedStack) -> str:
    return (stack.state_dir / "gunicorn.log").read_text(errors="replace")


def test_the_smoke_script_serves_a_public_page_through_nginx(stack):
    status, headers, body = get(stack.nginx_url + "/accounts/login/")

    assert status == 200
    assert headers["Server"] == "nginx"
    # Django's answer (its headers), passed on by nginx.
    assert headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in headers
    assert 'name="password"' in body
    # Production settings, plain HTTP allowed by the environment: no redirect, and the
    # cookies are not marked Secure (a browser would drop them on http://).
    assert "csrftoken=" in headers["Set-Cookie"]
    assert "Secure" not in headers["Set-Cookie"]


def test_nginx_serves_static_files_without_asking_gunicorn(stack):
    status, headers, body = get(stack.nginx_url + "/static/core/css/site.css")

    assert status == 200
    assert headers["Content-Type"] == "text/css"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body
    # Not whitenoise behind Django: Django's security middleware would add this header.
    assert "Referrer-Policy" not in headers
    assert "/static/core/css/site.css" not in gunicorn_log(stack)


def test_uploads_are_served_sandboxed_and_documents_never_straight_from_disk(stack):
    media = stack.state_dir / "media"
    for folder in ("images", "documents"):
        (media / folder).mkdir(parents=True, exist_ok=True)
        (media / folder / "upload.txt").write_text("an upload")

    status, headers, _ = get(stack.nginx_url + "/media/images/upload.txt")
    assert status == 200
    assert "sandbox" in headers["Content-Security-Policy"]
    # Wagtail serves documents at /documents/, checking each collection's privacy.
    assert get(stack.nginx_url + "/media/documents/upload.txt")[0] == 404


def test_the_probes_answer_through_nginx_and_directly_over_plain_http(stack):
    for base in (stack.nginx_url, stack.app_url):
        status, _, body = get(base + "/healthz")
        assert (status, json.loads(body)) == (200, {"status": "ok"})

    status, _, body = get(stack.nginx_url + "/readyz")
    assert status == 200
    ready = json.loads(body)
    assert ready["checks"] == {"database": "ok", "cache": "ok", "tasks": "ok", "urgent_tasks": "ok"}
    tasks = ready["tasks"]
    assert (tasks["oldest_urgent_waiting_seconds"], tasks["dead_letters"]) == (None, 0)
    # Every queue production configures, each on the database backend, empty so far.
    queues = {(q["backend"], q["queue"]): q["waiting"] for q in tasks["queues"]}
    assert set(queues) == {("default", "urgent"), ("default", "default"), ("default", "bulk")}
    assert set(queues.values()) == {0}


def test_readyz_counts_a_waiting_task_until_a_worker_runs_it(stack):
    database = stack.state_dir / "db.sqlite3"
    manage(
        database,
        "shell",
        "-c",
        "from accounts.tasks import send_password_reset_email as send; send.enqueue(0)",
    )

    waiting = json.loads(get(stack.nginx_url + "/readyz")[2])["tasks"]
    assert waiting["waiting"] == 1
    assert waiting["oldest_waiting_seconds"] >= 0
    assert [q["waiting"] for q in waiting["queues"]].count(1) == 1

    manage(database, "run_worker", "--batch", "--queue-name", "*", "--no-startup-delay")

    done = json.loads(get(stack.nginx_url + "/readyz")[2])["tasks"]
    assert (done["waiting"], done["oldest_waiting_seconds"]) == (0, None)
    assert {q["waiting"] for q in done["queues"]} == {0}


def test_the_slow_client_bench_runs_and_nginx_keeps_answering_others(stack):
    # The bench's own figures come from `python -m bench.slow_clients`; here, a tiny run.
    result = measure_way(
        "nginx → gunicorn",
        stack.nginx_port,
        slow_clients=3,
        duration=2.0,
        baseline=1.0,
        users=1,
        byte_interval=0.5,
    )

    assert result.slow.opened >= 3
    assert result.slow.bytes_sent > 0
    for figures in (*result.baseline.values(), *result.attack.values()):
        assert figures.requests > 0
        assert figures.ok_share == 1.0


@pytest.mark.django_db
@pytest.mark.skipif(not wrk.available(), reason="wrk is not installed")
def test_the_page_bench_reads_the_gunicorn_workers_cpu_time_through_the_stack(stack):
    # The bench's own figures come from `make bench`; here, one second of the probe.
    bench = BenchStack(stack, env={})
    assert len(bench.worker_pids()) == 2

    figures = measure(bench, StackPage("probe", "/healthz", TRIVIAL), None, seconds=1)

    assert (figures.status, figures.errors) == (200, 0)
    assert figures.requests > 0
    assert figures.cpu_ms is not None and figures.cpu_ms > 0
