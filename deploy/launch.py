"""Start ``deploy/run_local.py`` in the background and wait until it says READY: for the smoke
tests and the benches (slow clients, and the pages and mixed load of bench/stack.py), which
talk to the stack over loopback and read gunicorn's process id from the READY line.

    with launched_stack(["--no-worker"]) as stack:
        urllib.request.urlopen(stack.nginx_url + "/healthz")
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READY_TIMEOUT_SECONDS = 240.0
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class LaunchedStack:
    nginx_port: int
    app_port: int
    state_dir: Path
    output: list[str]
    # gunicorn's master process (its workers are its children), from the READY line.
    gunicorn_pid: int = 0

    @property
    def nginx_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def app_url(self) -> str:
        return f"http://127.0.0.1:{self.app_port}"


def free_port() -> int:
    """A TCP port nothing listens on now (the OS's choice) on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ready_fields(line: str) -> dict[str, str]:
    """``READY nginx=… app=… gunicorn=…`` as a dict of its ``name=value`` words."""
    return dict(word.split("=", 1) for word in line.split()[1:] if "=" in word)


def _read_until_ready(process: subprocess.Popen, output: list[str]) -> dict[str, str]:
    """Collect run_local's output (to the end, in a thread) and return, once it says READY,
    what that line says."""
    ready = threading.Event()
    said: dict[str, str] = {}

    def collect() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            if line.startswith("READY "):
                said.update(ready_fields(line))
                ready.set()

    threading.Thread(target=collect, daemon=True).start()
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while not ready.wait(timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the stack did not start:\n" + "\n".join(output[-40:]))
    return said


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to run_local (it stops its children), then SIGKILL to whatever is left of its
    process group (its own session: start_new_session below)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    # Nothing left is the usual case (ProcessLookupError).
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def launched_stack(
    extra_args: list[str], *, state_dir: Path, env: dict[str, str] | None = None
) -> Iterator[LaunchedStack]:
    """``python -m deploy.run_local`` on two free ports with ``extra_args``, stopped (SIGTERM,
    then SIGKILL to its process group) when the block ends."""
    nginx_port, app_port = free_port(), free_port()
    command = [
        sys.executable,
        "-u",
        "-m",
        "deploy.run_local",
        "--nginx-port",
        str(nginx_port),
        "--app-port",
        str(app_port),
        "--state-dir",
        str(state_dir),
        *extra_args,
    ]
    output: list[str] = []
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        said = _read_until_ready(process, output)
        gunicorn_pid = int(said.get("gunicorn", "0"))
        yield LaunchedStack(nginx_port, app_port, state_dir, output, gunicorn_pid)
    finally:
        _stop(process)
