"""The production stack the bench measures: ``deploy/run_local.py`` on loopback (nginx,
gunicorn's sync workers, the task worker if asked, production settings) on the bench's
database, with a Redis database of the bench's own as the cache.

``bench_stack`` empties that Redis database first (the bench's bulk inserts send no purge
signals, and a page cached before them would be stale), turns off gunicorn's worker
recycling (``GUNICORN_MAX_REQUESTS=0``: a worker replaced mid-run would take its CPU time
with it) and gives every process one ``SECRET_KEY``, so sessions the bench makes
(``BenchStack.sign_in``, through ``python -m bench.sessions`` in the stack's own
environment) are valid there.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from deploy import run_local
from deploy.launch import LaunchedStack, launched_stack

from . import cpu

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
SESSIONS_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class SignedIn:
    """Sessions made for the bench: the cookie's name and each user's session keys."""

    cookie_name: str
    sessions: dict[str, list[str]]

    def cookie(self, username: str, index: int = 0) -> str:
        keys = self.sessions[username]
        return f"{self.cookie_name}={keys[index % len(keys)]}"


@dataclass(frozen=True)
class BenchStack:
    launched: LaunchedStack
    env: dict[str, str]  # what the stack's Django processes run with

    @property
    def app_url(self) -> str:
        return self.launched.app_url

    @property
    def nginx_url(self) -> str:
        return self.launched.nginx_url

    def worker_pids(self) -> list[int]:
        """gunicorn's workers (the master's children)."""
        return cpu.children(self.launched.gunicorn_pid)

    def sign_in(self, wanted: Mapping[str, int]) -> SignedIn:
        """``count`` new signed-in sessions for each ``username`` (bench/signin.py), made
        with the stack's settings, environment and session store."""
        words = [f"{username}:{count}" for username, count in wanted.items()]
        done = subprocess.run(
            [sys.executable, "-m", "bench.sessions", *words],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=SESSIONS_TIMEOUT_SECONDS,
        )
        if done.returncode != 0:
            raise RuntimeError(f"bench.sessions failed:\n{done.stderr[-3000:]}")
        said = json.loads(done.stdout)
        return SignedIn(cookie_name=said["cookie_name"], sessions=said["sessions"])


def empty_redis(url: str) -> None:
    """FLUSHDB on the bench's own Redis database (never the whole server)."""
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@contextmanager
def bench_stack(
    *,
    database_url: str,
    redis_url: str,
    state_dir: Path,
    workers: int,
    task_worker: bool,
    set_up: bool,
) -> Iterator[BenchStack]:
    """The stack on two free ports, stopped when the block ends. ``set_up``: migrate and
    collect static files first (once per state folder; later starts reuse them)."""
    empty_redis(redis_url)
    arguments = [
        "--database-url",
        database_url,
        "--redis-url",
        redis_url,
        "--workers",
        str(workers),
    ]
    if not task_worker:
        arguments.append("--no-worker")
    if not set_up:
        arguments.append("--skip-setup")
    base = {
        **os.environ,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GUNICORN_MAX_REQUESTS": "0",
    }
    # What run_local gives gunicorn and the worker, for the bench's own manage-like commands.
    options = run_local.parse_args(["--nginx-port", "0", "--app-port", "0", *arguments])
    env = run_local.stack_env(options, state_dir, base)
    with launched_stack(arguments, state_dir=state_dir, env=base) as launched:
        yield BenchStack(launched, env)
