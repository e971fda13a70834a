"""Requests through the stack with wrk (Debian's ``wrk`` package), and its report parsed.

wrk keeps its connections open and sends the next request as soon as the answer arrives;
gunicorn's sync workers close the connection after each answer and wrk opens a new one, as a
proxy in front would. ``run`` asks for the latency distribution (``--latency``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass

UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
DURATION_S = {"us": 1e-6, "ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
TOTAL = re.compile(r"(\d+) requests in ([\d.]+)(us|ms|s|m|h),")
PERCENTILE = re.compile(r"^\s*(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", re.M)
SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


@dataclass(frozen=True)
class WrkResult:
    requests: int  # answers received
    seconds: float
    bad_status: int  # answers that were not 2xx or 3xx
    connect_errors: int
    read_errors: int
    write_errors: int
    timeouts: int
    latency_ms: dict[str, float]  # "50", "75", "90", "99" → milliseconds

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        """Failed requests: a bad status, a refused connection, or a timeout. (A read error
        is how wrk notes a server closing the connection after its answer, which gunicorn's
        sync workers always do; it is not a failed request.)"""
        return self.bad_status + self.connect_errors + self.write_errors + self.timeouts


def parse(output: str) -> WrkResult:
    total = TOTAL.search(output)
    if total is None:
        raise ValueError(f"not a wrk report:\n{output}")
    sockets = SOCKET_ERRORS.search(output)
    connect, read, write, timeout = (int(n) for n in sockets.groups()) if sockets else (0,) * 4
    bad = NON_2XX.search(output)
    return WrkResult(
        requests=int(total.group(1)),
        seconds=float(total.group(2)) * DURATION_S[total.group(3)],
        bad_status=int(bad.group(1)) if bad else 0,
        connect_errors=connect,
        read_errors=read,
        write_errors=write,
        timeouts=timeout,
        latency_ms={
            share: round(float(value) * UNITS_MS[unit], 3)
            for share, value, unit in PERCENTILE.findall(output)
        },
    )


def available() -> bool:
    return shutil.which("wrk") is not None


def run(
    url: str, *, seconds: float, connections: int, headers: dict[str, str] | None = None
) -> WrkResult:
    """wrk on one thread with ``connections`` connections for ``seconds`` (whole seconds,
    at least one)."""
    command = [
        "wrk",
        "--threads",
        "1",
        "--connections",
        str(connections),
        "--duration",
        f"{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(command + [url], capture_output=True, text=True, check=True)
    return parse(done.stdout)
