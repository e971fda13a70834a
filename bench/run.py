"""Benchmark the portal's pages at scale and print the figures (never asserts).

    .venv/bin/python bench/run.py [--scale small|medium|large] [--requests N]
                                  [--database-url URL] [--keep-database]

Creates its own database (dropped at the end unless --keep-database), migrates it, runs the
demo seeders, adds data at the chosen scale (bench/scale.py), then measures every page in
bench/pages.py with Django's test client. Prints a table and writes bench/results/latest.json.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "latest.json"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/clinic_portal_bench"

# Targets at large scale. The bench marks each row OK or OVER; it never fails on them.
PUBLIC_P95_MS = 150.0
SIGNED_IN_P95_MS = 250.0
WRITE_P95_MS = 250.0
# Query budgets per request, and the rule that a page's count must not grow with the data
# (the count at scale is compared with the count on the plain demo).
PUBLIC_QUERY_BUDGET = 20
SIGNED_IN_QUERY_BUDGET = 30
WRITE_QUERY_BUDGET = 40


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("tiny", "small", "medium", "large"), default="large")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="a throwaway database; it is dropped and created again",
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


def recreate_database(url: str) -> None:
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
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_database(url: str) -> None:
    # Django modules are imported only after setup_django() has configured settings.
    from django.db import connections

    connections.close_all()
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
    connection.close()


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
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
    # Django and bench.pages (which imports models) only after setup_django().
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.pages import client_for

    counts = {}
    for spec in specs:
        client = client_for(spec.username)
        spec.fetch(client)
        with CaptureQueriesContext(connection) as captured:
            spec.fetch(client)
        counts[spec.name] = len(captured)
    return counts


def format_table(rows: list[dict]) -> str:
    header = (
        f"{'page':<27} {'code':>4} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} "
        f"{'queries':>9} {'KiB':>6} {'peak KiB':>8}  verdict"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        queries = str(row["queries"])
        if row.get("baseline_queries") is not None:
            queries = f"{row['baseline_queries']}→{row['queries']}"
        lines.append(
            f"{row['name']:<27} {row['status']:>4} {row['p50_ms']:>7.1f} {row['p95_ms']:>7.1f} "
            f"{row['max_ms']:>7.1f} {queries:>9} {row['bytes'] / 1024:>6.1f} "
            f"{row['peak_kib']:>8.0f}  {row['verdict']}"
        )
    return "\n".join(lines)


def rss_kib() -> dict[str, int]:
    current = 0
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                current = int(line.split()[1])
    return {"rss_kib": current, "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}


def machine() -> dict:
    # Django modules are imported only after setup_django() has configured settings.
    import django
    import wagtail
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT 1")
        database = cursor.fetchone()[0] if connection.vendor == "postgresql" else "SQLite"
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": str(database).split(",")[0],
        "settings": os.environ["DJANGO_SETTINGS_MODULE"],
    }


def run(args: argparse.Namespace) -> dict:
    # Django and the bench modules (which import models) only after setup_django().
    from django.core.management import call_command

    from bench import pages, scale

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - started

    started = time.perf_counter()
    scale.seed_demo()
    seeding = {"demo seeders": time.perf_counter() - started}
    specs = pages.page_specs()
    baseline = baseline_queries(specs)

    seeding.update(scale.seed_scale(scale.SCALES[args.scale]))
    counts = scale.row_counts()
    specs = pages.page_specs()

    rows = []
    for spec in specs:
        measured = pages.measure_page(spec, args.requests).as_dict()
        target, budget = targets_for(spec.group)
        measured["baseline_queries"] = baseline.get(spec.name)
        measured["target_p95_ms"], measured["query_budget"] = target, budget
        measured["verdict"] = verdict(
            measured["p95_ms"], measured["queries"], measured["baseline_queries"], target, budget
        )
        rows.append(measured)
        print(f"  measured {spec.name}", file=sys.stderr)
    write = pages.measure_plan_update(args.requests).as_dict()
    write["baseline_queries"] = None
    write["target_p95_ms"], write["query_budget"] = WRITE_P95_MS, WRITE_QUERY_BUDGET
    write["verdict"] = verdict(
        write["p95_ms"], write["queries"], None, WRITE_P95_MS, WRITE_QUERY_BUDGET
    )
    rows.append(write)

    return {
        "scale": args.scale,
        "requests_per_page": args.requests,
        "machine": machine(),
        "migrate_seconds": round(migrate_s, 1),
        "seeding_seconds": {name: round(seconds, 1) for name, seconds in seeding.items()},
        "rows_at_scale": counts,
        "pages": rows,
        "memory": rss_kib(),
        "targets": {
            "public_p95_ms": PUBLIC_P95_MS,
            "signed_in_p95_ms": SIGNED_IN_P95_MS,
            "write_p95_ms": WRITE_P95_MS,
            "public_query_budget": PUBLIC_QUERY_BUDGET,
            "signed_in_query_budget": SIGNED_IN_QUERY_BUDGET,
            "write_query_budget": WRITE_QUERY_BUDGET,
        },
    }


def report(results: dict) -> str:
    info = results["machine"]
    seeding = results["seeding_seconds"]
    lines = [
        f"Benchmark at scale {results['scale']!r}, {results['requests_per_page']} requests per "
        f"page after warm-up; {info['cpus']} CPUs, Python {info['python']}, Django "
        f"{info['django']}, Wagtail {info['wagtail']}, {info['database']}",
        f"Targets: p95 ≤ {PUBLIC_P95_MS:.0f} ms public, ≤ {SIGNED_IN_P95_MS:.0f} ms signed in, "
        f"≤ {WRITE_P95_MS:.0f} ms plan update; queries ≤ {PUBLIC_QUERY_BUDGET} public, "
        f"≤ {SIGNED_IN_QUERY_BUDGET} signed in, and no growth from demo to scale (demo→scale).",
        f"Migrate {results['migrate_seconds']} s; seeding "
        + ", ".join(f"{name} {seconds} s" for name, seconds in seeding.items())
        + f" (total {sum(seeding.values()):.1f} s)",
        "Data: " + ", ".join(f"{name} {count}" for name, count in results["rows_at_scale"].items()),
        "",
        format_table(results["pages"]),
        "",
        f"Process memory at the end: RSS {results['memory']['rss_kib'] / 1024:.0f} MiB, "
        f"peak RSS {results['memory']['max_rss_kib'] / 1024:.0f} MiB.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    recreate_database(args.database_url)
    setup_django(args.database_url)
    try:
        results = run(args)
    finally:
        if not args.keep_database:
            drop_database(args.database_url)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(results))
    print(f"\nWritten to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
