"""Slow clients against the production stack: through nginx, and against gunicorn alone.

    .venv/bin/python -m bench.slow_clients [--slow-clients 20] [--duration 30] [--baseline 10]
        [--users 2] [--byte-interval 3] [--workers N] [--database-url URL]

Starts the stack on loopback with ``deploy/run_local.py`` (production settings, the demo
seeded, SQLite in a temporary folder unless ``--database-url``). Then, for each way in (nginx
in front of gunicorn, gunicorn alone): ``--users`` normal users request the home page and
``/healthz`` in turn for ``--baseline`` seconds (the baseline), then again for ``--duration``
seconds while ``--slow-clients`` connections each send a request head one byte every
``--byte-interval`` seconds and never finish it (a connection the server closes is opened
again at once). Prints, per way, phase and page: requests, the share answered 200 within
``REQUEST_TIMEOUT_SECONDS``, p50/p95/max latency (a failed request counts with the time it
took to fail), and the attack's figures as ratios to that way's baseline. Results also go to
``bench/results/slow-clients.json``. Figures only, never pass/fail (bench/README.md).
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import socket
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from deploy.launch import LaunchedStack, launched_stack

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "slow-clients.json"
PAGES = ("/", "/healthz")
REQUEST_TIMEOUT_SECONDS = 10.0
# What each slow client sends, one byte at a time: a request head that never ends.
SLOW_HEAD_START = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
# Requests per page before the baseline, so it does not count cold starts.
WARM_UP_REQUESTS = 5


@dataclass(frozen=True)
class Sample:
    path: str
    ok: bool
    seconds: float


@dataclass(frozen=True)
class Figures:
    requests: int
    ok_share: float
    p50_ms: float
    p95_ms: float
    max_ms: float


@dataclass
class SlowClientTally:
    opened: int = 0
    closed_by_server: int = 0
    refused: int = 0
    bytes_sent: int = 0


@dataclass
class WayResult:
    way: str
    port: int
    baseline: dict[str, Figures] = field(default_factory=dict)
    attack: dict[str, Figures] = field(default_factory=dict)
    slow: SlowClientTally = field(default_factory=SlowClientTally)


def timed_get(port: int, path: str, timeout: float = REQUEST_TIMEOUT_SECONDS) -> Sample:
    """One GET on a new connection, as a browser's first request would be."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        ok = response.status == 200
    except (OSError, http.client.HTTPException):
        ok = False
    finally:
        connection.close()
    return Sample(path, ok, time.perf_counter() - started)


def normal_users(port: int, users: int, seconds: float, timeout: float) -> list[Sample]:
    """``users`` threads, each requesting PAGES in turn, one after the other, for ``seconds``."""
    samples: list[Sample] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def user() -> None:
        turn = 0
        while time.monotonic() < stop_at:
            sample = timed_get(port, PAGES[turn % len(PAGES)], timeout)
            turn += 1
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=user) for _ in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


class SlowClients:
    """``count`` connections to ``port`` that each send one byte of a never-ending request
    head every ``interval`` seconds; one the server answers or closes is opened again."""

    def __init__(self, port: int, count: int, interval: float) -> None:
        self.port = port
        self.count = count
        self.interval = interval
        self.tally = SlowClientTally()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._client) for _ in range(count)]

    def __enter__(self) -> SlowClients:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _count(self, **increments: int) -> None:
        with self._lock:
            for name, value in increments.items():
                setattr(self.tally, name, getattr(self.tally, name) + value)

    def _client(self) -> None:
        while not self._stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=5)
            except OSError:
                self._count(refused=1)
                self._stop.wait(0.5)
                continue
            self._count(opened=1)
            with sock:
                self._trickle(sock)

    def _trickle(self, sock: socket.socket) -> None:
        sent = 0
        while not self._stop.is_set():
            byte = SLOW_HEAD_START[sent] if sent < len(SLOW_HEAD_START) else "a"
            try:
                sock.sendall(byte.encode())
            except OSError:
                self._count(closed_by_server=1)
                return
            sent += 1
            self._count(bytes_sent=1)
            # Wait for the next byte; an answer (408) or a close means the server gave up.
            readable, _, _ = select.select([sock], [], [], self.interval)
            if readable:
                self._count(closed_by_server=1)
                return


def figures(samples: list[Sample], path: str) -> Figures:
    mine = sorted(s.seconds * 1000 for s in samples if s.path == path)
    if not mine:
        return Figures(0, 0.0, 0.0, 0.0, 0.0)
    ok = sum(1 for s in samples if s.path == path and s.ok)

    def at(share: float) -> float:
        return round(mine[min(int(share * len(mine)), len(mine) - 1)], 1)

    return Figures(len(mine), round(ok / len(mine), 3), at(0.50), at(0.95), round(mine[-1], 1))


def measure_way(
    way: str,
    port: int,
    *,
    slow_clients: int,
    duration: float,
    baseline: float,
    users: int,
    byte_interval: float,
    timeout: float = REQUEST_TIMEOUT_SECONDS,
) -> WayResult:
    """The baseline, then the same users while the slow clients hold their connections."""
    result = WayResult(way, port)
    for path in PAGES * WARM_UP_REQUESTS:
        timed_get(port, path, timeout)
    calm = normal_users(port, users, baseline, timeout)
    result.baseline = {path: figures(calm, path) for path in PAGES}
    with SlowClients(port, slow_clients, byte_interval) as slow:
        # Let them connect (and, without nginx, take every worker) before measuring.
        time.sleep(min(1.0, duration / 10))
        attacked = normal_users(port, users, duration, timeout)
    result.attack = {path: figures(attacked, path) for path in PAGES}
    result.slow = slow.tally
    return result


def _ratio(new: float, old: float) -> str:
    return f"{new / old:.2f}" if old else "-"


def report(results: list[WayResult], slow_clients: int) -> str:
    header = (
        f"{'way':<18} {'phase':<9} {'page':<9} {'reqs':>5} {'ok %':>6} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'max ms':>8} {'p50 ×':>6} {'p95 ×':>6} {'ok ×':>5}"
    )
    lines = [header, "-" * len(header)]
    attack_phase = f"{slow_clients} slow"
    for result in results:
        for phase, table in (("baseline", result.baseline), (attack_phase, result.attack)):
            for path, f in table.items():
                base = result.baseline[path]
                ratios = ("", "", "")
                if table is result.attack:
                    ratios = (
                        _ratio(f.p50_ms, base.p50_ms),
                        _ratio(f.p95_ms, base.p95_ms),
                        _ratio(f.ok_share, base.ok_share),
                    )
                lines.append(
                    f"{result.way:<18} {phase:<9} {path:<9} {f.requests:>5} "
                    f"{f.ok_share * 100:>6.1f} {f.p50_ms:>8.1f} {f.p95_ms:>8.1f} {f.max_ms:>8.1f} "
                    f"{ratios[0]:>6} {ratios[1]:>6} {ratios[2]:>5}"
                )
        tally = result.slow
        lines.append(
            f"{'':<18} slow clients: {tally.opened} connections opened, "
            f"{tally.closed_by_server} cut off by the server, {tally.refused} refused, "
            f"{tally.bytes_sent} bytes sent"
        )
    return "\n".join(lines)


def gunicorn_log_count(stack: LaunchedStack, text: str) -> int:
    return (stack.state_dir / "gunicorn.log").read_text(errors="replace").count(text)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow-clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds under attack")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds without")
    parser.add_argument("--users", type=int, default=2, help="normal users, one request at a time")
    parser.add_argument("--byte-interval", type=float, default=3.0)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: from CPUs)")
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    extra = ["--seed-demo"]
    if args.workers:
        extra += ["--workers", str(args.workers)]
    if args.database_url:
        extra += ["--database-url", args.database_url]
    options = {
        "slow_clients": args.slow_clients,
        "duration": args.duration,
        "baseline": args.baseline,
        "users": args.users,
        "byte_interval": args.byte_interval,
    }
    killed: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="clinic-bench-") as state:
        started = time.monotonic()
        with launched_stack(extra, state_dir=Path(state)) as stack:
            print(f"stack up in {time.monotonic() - started:.1f} s", flush=True)
            workers = gunicorn_log_count(stack, "Booting worker")
            results = []
            for way, port in (
                ("nginx → gunicorn", stack.nginx_port),
                ("gunicorn alone", stack.app_port),
            ):
                killed_before = gunicorn_log_count(stack, "WORKER TIMEOUT")
                results.append(measure_way(way, port, **options))
                killed[way] = gunicorn_log_count(stack, "WORKER TIMEOUT") - killed_before
    print(
        f"\n{args.slow_clients} slow clients (a byte every {args.byte_interval:g} s) for "
        f"{args.duration:g} s; {args.users} normal users, baseline {args.baseline:g} s; "
        f"gunicorn sync workers: {workers}; request timeout {REQUEST_TIMEOUT_SECONDS:g} s\n"
    )
    print(report(results, args.slow_clients))
    print(
        "\ngunicorn workers killed by its timeout (stuck on one request): "
        + ", ".join(f"{way}: {count}" for way, count in killed.items())
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "options": options,
                "workers": workers,
                "workers_killed_by_timeout": killed,
                "ways": [asdict(r) for r in results],
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
