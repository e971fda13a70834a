"""Benchmark the portal at scale, in process and through the real stack, and print the
figures against issue 13's targets (never asserts).

    .venv/bin/python bench/run.py [--scale tiny|small|medium|large|clinic-group]
        [--requests N] [--page-seconds S] [--load-seconds S] [--load-users N]
        [--load-workers N] [--think-time S] [--no-stack] [--no-load]
        [--database-url URL] [--redis-url URL] [--keep-database]

One run: creates its own database (dropped at the end unless --keep-database), migrates it,
seeds the demo, then

1. on the demo: query counts of every page in process (the baseline), EXPLAIN of the
   dashboard's queries, and the signed-in pages through the stack;
2. adds the scale's data (bench/scale.py), timing each part;
3. at scale: every page in process (bench/pages.py: timings, queries, memory), EXPLAIN
   again, then through the stack (bench/through_stack.py: wrk, worker CPU per request, the
   ratio to the trivial view, the article uncached and cached, the signed-in pages);
4. the mixed load through nginx (bench/load.py: locust, 50 users, 60 s);
5. twice the data the signed-in pages show (bench/scale.py ``seed_twice``), and those pages
   through the stack again, with their Python calls per request before and after: a page
   flat in the data does the same work.

The stack is deploy/run_local.py with production settings (bench/stack.py); it needs nginx
and wrk (`make bench` installs them). Results go to the terminal, bench/results/latest.json
and bench/results/performance.md; a complete run at the default scale also writes
docs/performance.md. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: the project's packages
    sys.path.insert(0, str(ROOT))

from bench import report as reporting  # noqa: E402  (needs the path above)
from bench import wrk  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
RESULTS = RESULTS_DIR / "latest.json"
DOCS = ROOT / "docs" / "performance.md"
DEFAULT_SCALE = "clinic-group"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clinic_portal_bench"

# In-process targets (the test client, no web server). The bench marks each row OK or OVER;
# it never fails on them.
PUBLIC_P95_MS = 150.0
SIGNED_IN_P95_MS = 250.0
WRITE_P95_MS = 250.0
# Query budgets per request, and the rule that a page's count must not grow with the data
# (the count at scale is compared with the count on the plain demo).
PUBLIC_QUERY_BUDGET = 20
SIGNED_IN_QUERY_BUDGET = 20
WRITE_QUERY_BUDGET = 40
# Through the stack: gunicorn workers for the pages (as the comparison ran), and for
# the mixed load (as the "today" figure ran).
PAGE_WORKERS = 2
LOAD_WORKERS = 3


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    # Here, not at the top: scale imports models, and the choices are only names.
    scales = ("tiny", "small", "medium", "large", "clinic-group")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=scales, default=DEFAULT_SCALE)
    parser.add_argument("--requests", type=int, default=20, help="in-process requests a page")
    parser.add_argument(
        "--page-seconds", type=float, default=5.0, help="wrk seconds a page through the stack"
    )
    parser.add_argument("--load-seconds", type=float, default=60.0)
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-workers", type=int, default=LOAD_WORKERS)
    parser.add_argument(
        "--think-time", type=float, default=0.0, help="seconds each load user waits"
    )
    parser.add_argument("--no-stack", action="store_true", help="in process only")
    parser.add_argument("--no-load", action="store_true", help="no mixed load")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a throwaway database; it is dropped and created again",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="a Redis database of the bench's own; it is emptied before each stack starts",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the database for inspection"
    )
    return parser.parse_args(argv)


def _maintenance_dsn(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or name in {"postgres", "clinic_portal", "template0", "template1"}:
        raise SystemExit(f"Refusing to drop database {name!r}: give the bench its own database.")
    return urlunsplit(parts._replace(path="/postgres")), name


def _drop(url: str, *, create: bool) -> None:
    if url.startswith("sqlite"):
        Path(urlsplit(url).path).unlink(missing_ok=True)
        return
    # Here, not at the top: only a PostgreSQL run needs the driver.
    import psycopg2
    from psycopg2 import sql

    dsn, name = _maintenance_dsn(url)
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def recreate_database(url: str) -> None:
    _drop(url, create=True)


def drop_database(url: str) -> None:
    # Django modules are imported only after setup_django() has configured settings.
    from django.db import connections

    connections.close_all()
    _drop(url, create=False)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    # Imported once the environment above is set, just before setting Django up.
    import django

    django.setup()


def targets_for(group: str) -> tuple[float, int]:
    """(p95 target in ms, query budget) for a page group."""
    # bench.pages imports models, which needs Django set up first (setup_django()).
    from bench.pages import PUBLIC

    if group == PUBLIC:
        return PUBLIC_P95_MS, PUBLIC_QUERY_BUDGET
    return SIGNED_IN_P95_MS, SIGNED_IN_QUERY_BUDGET


def verdict(p95_ms: float, queries: int, baseline: int | None, target: float, budget: int) -> str:
    problems = []
    if p95_ms > target:
        problems.append("slow")
    if queries > budget:
        problems.append("queries")
    if baseline is not None and queries > baseline:
        problems.append("grows")
    return "OK" if not problems else "OVER (" + ", ".join(problems) + ")"


def baseline_queries(specs) -> dict[str, int]:
    """Query count of each page on the plain demo, to compare with the count at scale."""
    # bench.pages imports models: only after setup_django().
    from bench.pages import query_count

    return {spec.name: query_count(spec) for spec in specs}


def signed_in_calls(specs) -> dict[str, int]:
    """Python calls per request of each signed-in page measured through the stack."""
    # bench.pages imports models: only after setup_django().
    from bench.pages import STACK_SIGNED_IN, calls_per_request

    return {spec.name: calls_per_request(spec) for spec in specs if spec.name in STACK_SIGNED_IN}


def rss_kib() -> dict[str, int]:
    current = 0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1])
    return {"rss_kib": current, "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def _first_line(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        return f"{command[0]}: not installed"
    done = subprocess.run(command, capture_output=True, text=True)
    return (done.stdout or done.stderr).strip().splitlines()[0]


def _cpu_model() -> str:
    info = Path("/proc/cpuinfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    info = Path("/proc/meminfo")
    if info.exists():
        for line in info.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def _redis_version(url: str) -> str:
    # Here, not at the top: only the description needs the client.
    import redis

    try:
        client = redis.Redis.from_url(url)
        return str(client.info("server")["redis_version"])
    except redis.RedisError:
        return "unreachable"


def machine(redis_url: str) -> dict:
    # Django modules are imported only after setup_django() has configured settings.
    import importlib.metadata

    import django
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database = cursor.fetchone()[0] if connection.vendor == "postgresql" else "SQLite"

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": str(database).split(",")[0],
        "redis": _redis_version(redis_url),
        "nginx": _first_line(["nginx", "-v"]),
        "wrk": " ".join(_first_line(["wrk", "--version"]).split()[:2]),
        "gunicorn": version("gunicorn"),
        "locust": version("locust"),
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
    }


def stack_missing() -> str | None:
    """Why the stack cannot be measured here, or None."""
    missing = [name for name in ("nginx",) if shutil.which(name) is None]
    if not wrk.available():
        missing.append("wrk")
    return (
        f"{' and '.join(missing)} not installed (apt-get install -y nginx wrk)" if missing else None
    )


def note(text: str) -> None:
    print(f"  {text}", file=sys.stderr, flush=True)


class Bench:
    """One run: the phases in order, sharing the database, the stack's state folder and
    what the earlier phases found."""

    def __init__(self, args: argparse.Namespace, state_dir: Path) -> None:
        self.args = args
        self.state_dir = state_dir
        self.stack_set_up = False
        self.use_stack = not args.no_stack and stack_missing() is None

    def stack(self, *, workers: int, task_worker: bool):
        # bench.stack imports deploy and redis; Django is set up by now.
        from bench.stack import bench_stack

        set_up, self.stack_set_up = not self.stack_set_up, True
        return bench_stack(
            database_url=self.args.database_url,
            redis_url=self.args.redis_url,
            state_dir=self.state_dir,
            workers=workers,
            task_worker=task_worker,
            set_up=set_up,
        )

    def through_stack(self, pages: list, queries: dict[str, int]) -> list[dict]:
        """Each page through a fresh stack of PAGE_WORKERS workers, with its query count."""
        from bench.through_stack import measure

        users = {page.username: 1 for page in pages if page.username}
        rows = []
        with self.stack(workers=PAGE_WORKERS, task_worker=False) as stack:
            signed_in = stack.sign_in(users) if users else None
            for page in pages:
                row = measure(stack, page, signed_in, self.args.page_seconds).as_dict()
                row["queries"] = queries.get(page.queries_of)
                rows.append(row)
                note(f"through the stack: {page.name}")
        return rows

    def load(self) -> dict:
        from bench import load
        from bench.signin import ensure_second_factor

        people = load.choose_people(self.args.load_users)
        for user in _users(list(people.providers)):
            ensure_second_factor(user)
        wanted = dict.fromkeys([*people.providers, *people.patients], 1)
        with self.stack(workers=self.args.load_workers, task_worker=True) as stack:
            signed_in = stack.sign_in(wanted)
            cookies = {name: keys[0] for name, keys in signed_in.sessions.items()}
            plan = load.load_plan(people, cookies, signed_in.cookie_name, self.args.think_time)
            note(f"mixed load: {self.args.load_users} users for {self.args.load_seconds:g} s")
            figures = load.run_locust(
                stack,
                plan,
                users=self.args.load_users,
                seconds=self.args.load_seconds,
                workers=self.args.load_workers,
                results_dir=RESULTS_DIR,
            )
        return figures.as_dict()

    def run(self) -> dict:
        # Django and the bench modules (which import models) only after setup_django().
        from django.core.management import call_command

        from bench import explain, pages, scale
        from bench.signin import ensure_second_factor

        load_at_start = _load_average()
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        migrate_s = time.perf_counter() - started

        started = time.perf_counter()
        scale.seed_demo()
        specs = pages.page_specs()
        # Staff the pages sign in pass the second factor, as in production (bench/signin.py).
        for user in _users({spec.username for spec in specs if spec.username}):
            ensure_second_factor(user)
        seeding = {"demo seeders": time.perf_counter() - started}
        baseline = baseline_queries(specs)
        explained = {"demo": [row.as_dict() for row in explain.explain_dashboard()]}
        demo_rows: list[dict] = []
        if self.use_stack:
            note("the demo through the stack")
            demo_rows = self.through_stack(pages.stack_pages(specs, signed_in_only=True), baseline)

        note(f"seeding scale {self.args.scale!r}")
        seeding.update(scale.seed_scale(scale.SCALES[self.args.scale]))
        counts = scale.row_counts()
        specs = pages.page_specs()

        rows = []
        for spec in specs:
            measured = pages.measure_page(spec, self.args.requests).as_dict()
            target, budget = targets_for(spec.group)
            measured["baseline_queries"] = baseline.get(spec.name)
            measured["target_p95_ms"], measured["query_budget"] = target, budget
            measured["verdict"] = verdict(
                measured["p95_ms"],
                measured["queries"],
                measured["baseline_queries"],
                target,
                budget,
            )
            rows.append(measured)
            note(f"in process: {spec.name}")
        write = pages.measure_plan_update(self.args.requests).as_dict()
        write["baseline_queries"] = None
        write["target_p95_ms"], write["query_budget"] = WRITE_P95_MS, WRITE_QUERY_BUDGET
        write["verdict"] = verdict(
            write["p95_ms"], write["queries"], None, WRITE_P95_MS, WRITE_QUERY_BUDGET
        )
        rows.append(write)
        explained[self.args.scale] = [row.as_dict() for row in explain.explain_dashboard()]

        results: dict = {
            "scale": self.args.scale,
            "requests_per_page": self.args.requests,
            "machine": machine(self.args.redis_url),
            "migrate_seconds": round(migrate_s, 1),
            "seeding_seconds": {name: round(seconds, 1) for name, seconds in seeding.items()},
            "rows_at_scale": counts,
            "pages": rows,
            "explain": explained,
            "stack": None,
            "load": None,
            "targets": {
                "public_p95_ms": PUBLIC_P95_MS,
                "signed_in_p95_ms": SIGNED_IN_P95_MS,
                "write_p95_ms": WRITE_P95_MS,
                "public_query_budget": PUBLIC_QUERY_BUDGET,
                "signed_in_query_budget": SIGNED_IN_QUERY_BUDGET,
                "write_query_budget": WRITE_QUERY_BUDGET,
            },
        }
        if not self.use_stack:
            results["stack_skipped"] = "--no-stack" if self.args.no_stack else stack_missing()
            results["load_skipped"] = results["stack_skipped"]
        else:
            queries = {row["name"]: row["queries"] for row in rows}
            results["calls"] = {"scale": signed_in_calls(specs)}
            queries[pages.TRIVIAL_VIEW.name] = pages.query_count(pages.TRIVIAL_VIEW)
            queries[pages.ARTICLE_CACHED] = pages.cached_queries(
                next(spec for spec in specs if spec.name == pages.ARTICLE)
            )
            note("the scale through the stack")
            results["stack"] = {
                "workers": PAGE_WORKERS,
                "connections": 2,
                "seconds": self.args.page_seconds,
                "demo": demo_rows,
                "scale": self.through_stack(pages.stack_pages(specs), queries),
            }
            if self.args.no_load:
                results["load_skipped"] = "--no-load"
            else:
                results["load"] = self.load()
            note("twice the data: the signed-in pages again")
            results["twice"] = {
                "seeding_seconds": {
                    name: round(seconds, 1)
                    for name, seconds in scale.seed_twice(scale.SCALES[self.args.scale]).items()
                },
                "rows": scale.row_counts(),
            }
            results["calls"]["twice"] = signed_in_calls(specs)
            signed_in = pages.stack_pages(specs, signed_in_only=True)
            results["stack"]["twice"] = self.through_stack(
                signed_in,
                baseline_queries([spec for spec in specs if spec.name in pages.STACK_SIGNED_IN]),
            )
        results["memory"] = rss_kib()
        # Other work on the machine slows the wall clock more than the CPU figures.
        results["machine"]["load_average"] = [load_at_start, _load_average()]
        return reporting.assess(results)


def _load_average() -> float | None:
    """The machine's 1-minute load average (runnable processes), where the OS tells it."""
    return round(os.getloadavg()[0], 1) if hasattr(os, "getloadavg") else None


def _users(usernames):
    # Django is set up by the time a phase asks for users.
    from django.contrib.auth import get_user_model

    return list(get_user_model().objects.filter(username__in=list(usernames)))


def complete(results: dict, args: argparse.Namespace) -> bool:
    """Whether this run is the full one docs/performance.md records: the default scale,
    with the stack and the full mixed load."""
    return (
        args.scale == DEFAULT_SCALE
        and results.get("stack") is not None
        and results.get("load") is not None
        and args.load_seconds >= 60
        and args.load_users >= 50
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    recreate_database(args.database_url)
    setup_django(args.database_url)
    try:
        with tempfile.TemporaryDirectory(prefix="clinic-bench-stack-") as state:
            results = Bench(args, Path(state)).run()
    finally:
        if not args.keep_database:
            drop_database(args.database_url)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    RESULTS.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{args.scale}.json").write_text(text, encoding="utf-8")
    page = reporting.markdown(results)
    (RESULTS_DIR / "performance.md").write_text(page, encoding="utf-8")
    print(reporting.report(results))
    written = [RESULTS, RESULTS_DIR / "performance.md"]
    if complete(results, args):
        DOCS.write_text(page, encoding="utf-8")
        written.append(DOCS)
    print("\nWritten to " + ", ".join(str(path.relative_to(ROOT)) for path in written))


if __name__ == "__main__":
    main()
