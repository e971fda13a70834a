"""Pages through the real stack: wrk against gunicorn's port, and the CPU each request costs
the gunicorn workers (their own CPU time, bench/cpu.py) and PostgreSQL (the backends
serving this database).

Each page is fetched once first (its status, size and page-cache header), warmed up with wrk
for ``WARM_UP_SECONDS``, then loaded by wrk with ``CONNECTIONS`` connections (one per
worker) for the run's seconds while the CPU readings bracket the run. The trivial view
(robots.txt: no database, no template) is the ceiling every page is compared with: the
same stack, the same run. Straight to gunicorn rather than through nginx: nginx's own CPU is
not the application's, and the mixed load (bench/load.py) goes through nginx.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass

from django.db import connection

from . import cpu, wrk
from .stack import BenchStack, SignedIn

CONNECTIONS = 2
WARM_UP_SECONDS = 1.0
# A query parameter the page cache does not know: the request goes to the view, nothing is
# stored (pagecache.rules.canonical_query). The uncached figure of a cached page.
UNCACHED = "uncached=1"
PAGE_CACHE_HEADER = "X-Page-Cache"

TRIVIAL = "trivial"
PUBLIC = "public"
CACHED = "cached"
SIGNED_IN = "signed in"


@dataclass(frozen=True)
class StackPage:
    """A page measured through the stack: its name, path, kind, who is signed in, and the
    in-process page (bench/pages.py) whose query count it shares."""

    name: str
    path: str
    kind: str
    username: str | None = None
    queries_of: str | None = None


@dataclass
class StackFigures:
    name: str
    path: str
    kind: str
    status: int
    bytes: int
    page_cache: str
    requests: int
    seconds: float
    rate: float
    errors: int
    cpu_ms: float | None
    db_ms: float | None
    p50_ms: float | None
    p99_ms: float | None

    def as_dict(self) -> dict:
        return asdict(self)


def with_query(path: str, query: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{query}"


def fetch(url: str, cookie: str | None) -> tuple[int, int, str]:
    """One GET without following redirects: status, body bytes, page-cache header."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with opener.open(request, timeout=60) as response:
            return (
                response.status,
                len(response.read()),
                response.headers.get(PAGE_CACHE_HEADER, ""),
            )
    except urllib.error.HTTPError as error:
        return error.code, len(error.read()), error.headers.get(PAGE_CACHE_HEADER, "")


def database_backends() -> list[int]:
    """PostgreSQL's processes serving this database for others (the stack's connections),
    not for the bench itself; none on SQLite."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


def measure(
    stack: BenchStack, page: StackPage, signed_in: SignedIn | None, seconds: float
) -> StackFigures:
    url = stack.app_url + page.path
    cookie = signed_in.cookie(page.username) if page.username and signed_in else None
    headers = {"Cookie": cookie} if cookie else None
    status, size, page_cache = fetch(url, cookie)
    wrk.run(url, seconds=WARM_UP_SECONDS, connections=CONNECTIONS, headers=headers)
    if page.kind == CACHED:
        page_cache = fetch(url, cookie)[2]
    workers, backends = stack.worker_pids(), database_backends()
    workers_before, backends_before = cpu.cpu_seconds(workers), cpu.cpu_seconds(backends)
    result = wrk.run(url, seconds=seconds, connections=CONNECTIONS, headers=headers)
    # Both workers finish what they were answering when wrk stopped.
    time.sleep(0.2)
    backends = sorted(set(backends) | set(database_backends()))
    worker_cpu = cpu.cpu_used(workers_before, cpu.cpu_seconds(workers))
    database_cpu = cpu.cpu_used(backends_before, cpu.cpu_seconds(backends))
    return StackFigures(
        name=page.name,
        path=page.path,
        kind=page.kind,
        status=status,
        bytes=size,
        page_cache=page_cache,
        requests=result.requests,
        seconds=round(result.seconds, 2),
        rate=round(result.rate, 1),
        errors=result.errors,
        cpu_ms=cpu.ms_per_request(worker_cpu, result.requests),
        db_ms=cpu.ms_per_request(database_cpu, result.requests) if backends else None,
        p50_ms=result.latency_ms.get("50"),
        p99_ms=result.latency_ms.get("99"),
    )
