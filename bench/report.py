"""The bench's results as text: the terminal report and docs/performance.md.

``assess(results)`` adds the ratios to the trivial view and the verdicts on issue 13's
targets (bench/targets.py) to the results; ``report(results)`` is what the terminal shows,
``markdown(results)`` the same tables for docs/performance.md with the machine described.
Every function here reads the results dict only, so tests can feed it a made-up one.
"""

from __future__ import annotations

from . import targets
from .through_stack import SIGNED_IN, TRIVIAL

ARTICLE_UNCACHED = "flagship article (uncached)"
ARTICLE_CACHED = "flagship article (cached)"


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"]: row for row in rows}


def _trivial(rows: list[dict]) -> dict | None:
    return next((row for row in rows if row["kind"] == TRIVIAL), None)


def assess(results: dict) -> dict:
    """Ratios to the trivial view and the verdicts, added to the stack rows and the load."""
    stack = results.get("stack") or {}
    scale_rows, demo_rows = stack.get("scale", []), _by_name(stack.get("demo", []))
    twice_rows = _by_name(stack.get("twice", []))
    calls = results.get("calls") or {}
    for when, rows in (("scale", scale_rows), ("twice", twice_rows.values())):
        for row in rows:
            row["calls"] = calls.get(when, {}).get(row["name"])
    trivial = _trivial(scale_rows)
    for row in scale_rows:
        row["cpu_vs_trivial"] = targets.ratio(row["cpu_ms"], trivial and trivial["cpu_ms"])
        row["rate_vs_trivial"] = targets.ratio(row["rate"], trivial and trivial["rate"])
        row["verdict"] = _verdict(row, demo_rows.get(row["name"]), twice_rows.get(row["name"]))
    for row in [*demo_rows.values(), *twice_rows.values()]:
        row["verdict"] = ""
    load = results.get("load")
    if load:
        load["times_today"] = targets.ratio(load["rate"], targets.TODAY_REQUESTS_PER_SECOND)
        load["verdict"] = targets.load(load["failures"])
    return results


def _verdict(row: dict, demo: dict | None, twice: dict | None) -> str:
    if row["name"] == ARTICLE_UNCACHED:
        return targets.article_uncached(row["cpu_vs_trivial"], row.get("queries"))
    if row["name"] == ARTICLE_CACHED:
        return targets.article_cached(row["rate_vs_trivial"])
    if row["kind"] == SIGNED_IN:
        return targets.signed_in(
            row["cpu_ms"],
            row.get("queries"),
            demo_queries=demo and demo.get("queries"),
            twice_queries=twice and twice.get("queries"),
            calls=row.get("calls"),
            twice_calls=twice and twice.get("calls"),
        )
    return ""


def _num(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def format_stack_table(rows: list[dict]) -> str:
    header = (
        f"{'page':<29} {'code':>4} {'req/s':>7} {'×triv':>6} {'CPU ms':>7} {'×triv':>6} "
        f"{'DB ms':>6} {'queries':>7} {'KiB':>6} {'p50 ms':>7} {'cache':>5}  verdict"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['name']:<29} {row['status']:>4} {_num(row['rate']):>7} "
            f"{_num(row.get('rate_vs_trivial'), 2):>6} {_num(row['cpu_ms'], 2):>7} "
            f"{_num(row.get('cpu_vs_trivial'), 2):>6} {_num(row['db_ms'], 2):>6} "
            f"{_num(row.get('queries')):>7} {row['bytes'] / 1024:>6.1f} "
            f"{_num(row['p50_ms']):>7} {row['page_cache'] or '-':>5}  {row.get('verdict', '')}"
        )
    return "\n".join(lines)


def format_signed_in_table(demo: list[dict], scale: list[dict], twice: list[dict]) -> str:
    """Each signed-in page on the demo, at scale and with twice the data, side by side."""
    at_demo, at_twice = _by_name(demo), _by_name(twice)
    header = (
        f"{'page':<27} {'CPU ms demo→scale→×2':>22} {'DB ms demo→scale→×2':>21} "
        f"{'queries':>10} {'calls scale→×2':>16} {'KiB':>6}  verdict"
    )
    lines = [header, "-" * len(header)]
    for row in (r for r in scale if r["kind"] == SIGNED_IN):
        runs = (at_demo.get(row["name"], {}), row, at_twice.get(row["name"], {}))
        cpu = "→".join(_num(run.get("cpu_ms")) for run in runs)
        db = "→".join(_num(run.get("db_ms")) for run in runs)
        queries = "→".join(_num(run.get("queries")) for run in runs)
        calls = "→".join(_num(run.get("calls")) for run in runs[1:])
        lines.append(
            f"{row['name']:<27} {cpu:>22} {db:>21} {queries:>10} {calls:>16} "
            f"{row['bytes'] / 1024:>6.1f}  {row.get('verdict', '')}"
        )
    return "\n".join(lines)


def machine_speed(rows: list[dict]) -> str:
    """How fast this run's machine was, by its trivial view."""
    trivial = _trivial(rows)
    if not trivial or not trivial.get("cpu_ms"):
        return ""
    return (
        f"This run's trivial view took {trivial['cpu_ms']:.2f} ms of worker CPU (the issue "
        f"measured {targets.ISSUE_TRIVIAL_CPU_MS:g} ms, with fewer middleware than today's): "
        "the same work reads faster or slower with the machine, so runs compare best by "
        "×triv, the page's CPU in trivial views (the table above).\n"
    )


def format_explain(explained: dict[str, list[dict]]) -> str:
    lines = []
    for scale, rows in explained.items():
        for row in rows:
            lines.append(
                f"-- {row['query']}, at {scale} ({row['notes_in_table']} team notes): "
                f"{_num(row['execution_ms'], 3)} ms, {_num(row['buffers'])} buffers, "
                f"newest-notes index {'used' if row['uses_index'] else 'NOT used'}, "
                f"{_num(row['buffers_per_lookup'])} buffers per newest-note lookup"
            )
            lines.append(row["plan"])
            lines.append("")
    return "\n".join(lines).rstrip()


def format_load(load: dict) -> str:
    lines = [
        f"{load['users']} users (7 readers : 2 providers : 1 patient) for {load['seconds']:g} s, "
        f"think time {load['think_seconds']:g} s, {load['workers']} gunicorn workers, "
        "through nginx, task worker running",
        f"requests {load['requests']}, errors {load['failures']}, "
        f"{load['rate']:.1f} requests/s = {_num(load.get('times_today'), 1)}× today's "
        f"{targets.TODAY_REQUESTS_PER_SECOND:g}/s; p50 {load['p50_ms']:.0f} ms, "
        f"p95 {load['p95_ms']:.0f} ms, p99 {load['p99_ms']:.0f} ms; "
        f"worker CPU {_num(load['worker_cpu_ms'])} ms per request  {load.get('verdict', '')}",
        "",
    ]
    header = f"{'page':<32} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"
    lines += [header, "-" * len(header)]
    for page in load["pages"]:
        lines.append(
            f"{page['page']:<32} {page['requests']:>8} {page['failures']:>6} "
            f"{page['rate']:>7.2f} {page['p50_ms']:>7.0f} {page['p95_ms']:>7.0f}"
        )
    for failure in load["failure_kinds"]:
        lines.append(f"  error on {failure['page']}: {failure['error']} ×{failure['count']}")
    return "\n".join(lines)


def format_in_process(rows: list[dict]) -> str:
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


def describe_machine(info: dict) -> str:
    start, end = info.get("load_average") or (None, None)
    return (
        f"{info['cpus']} CPUs ({info.get('cpu_model', 'unknown')}), "
        f"{info.get('memory_gib', '?')} GiB; {info['platform']}; Python {info['python']}, "
        f"Django {info['django']}, Wagtail {info['wagtail']}, {info['database']}, "
        f"Redis {info.get('redis', '?')}, {info.get('nginx', 'nginx ?')}, "
        f"gunicorn {info.get('gunicorn', '?')}, {info.get('wrk', 'wrk ?')}, "
        f"locust {info.get('locust', '?')}; {info['date']}; load average {_num(start)} "
        f"at the start, {_num(end)} at the end (the machine is shared: wall-clock figures "
        "suffer more than CPU time per request)"
    )


def targets_line() -> str:
    return (
        f"Targets: article uncached ≤ {targets.ARTICLE_CPU_VS_TRIVIAL:g}× the trivial view's "
        f"CPU and ≤ {targets.ARTICLE_QUERIES} queries; article cached ≥ "
        f"{targets.CACHED_RATE_VS_TRIVIAL:g}× the trivial view's rate; signed-in pages ≤ "
        f"{targets.SIGNED_IN_QUERIES} queries and ≤ {targets.SIGNED_IN_CPU_MS:g} ms worker CPU "
        "at scale, flat (no more queries than on the demo; with twice the data, the same "
        f"queries and Python calls within ×{targets.FLAT_CALLS_TOLERANCE:g}); mixed load "
        "without errors."
    )


def sections(results: dict) -> list[tuple[str, str]]:
    """(title, text) of each part of the report, in order."""
    seeding = results["seeding_seconds"]
    parts = [
        (
            "Data",
            f"Migrate {results['migrate_seconds']} s; seeding "
            + ", ".join(f"{name} {seconds} s" for name, seconds in seeding.items())
            + f" (total {sum(seeding.values()):.1f} s)\n"
            + "Rows: "
            + ", ".join(f"{name} {count}" for name, count in results["rows_at_scale"].items()),
        )
    ]
    stack = results.get("stack")
    if stack:
        parts.append(
            (
                f"Through the stack at scale {results['scale']!r}",
                f"gunicorn, {stack['workers']} sync workers, production settings, Redis cache; "
                f"wrk with {stack['connections']} connections for {stack['seconds']:g} s a page "
                "after a 1 s warm-up. CPU ms: the workers' own CPU time per answered request; "
                "DB ms: the PostgreSQL backends'. ×triv: against the trivial view, this run. "
                "queries: in process at scale (uncached: the page cache off).\n\n"
                + format_stack_table(stack["scale"]),
            )
        )
        twice = results.get("twice") or {}
        parts.append(
            (
                "Signed-in pages: the demo, the scale, twice the data",
                machine_speed(stack["scale"])
                + "Twice the data: "
                + ", ".join(f"{name} {count}" for name, count in twice.get("rows", {}).items())
                + f" (added in {sum(twice.get('seeding_seconds', {}).values()):.1f} s). The "
                "demo's pages are mostly empty, so demo→scale shows pages filling up; "
                "scale→×2 shows whether they grow with the data. calls: Python function "
                "calls per request in process (cProfile), the same however busy the machine, "
                "unlike its CPU time.\n\n"
                + format_signed_in_table(stack["demo"], stack["scale"], stack.get("twice", [])),
            )
        )
    else:
        parts.append(("Through the stack", f"Not measured: {results.get('stack_skipped')}"))
    if results.get("explain"):
        parts.append(
            ("EXPLAIN (ANALYZE, BUFFERS) of the dashboard", format_explain(results["explain"]))
        )
    if results.get("load"):
        parts.append(("Mixed load", format_load(results["load"])))
    else:
        parts.append(("Mixed load", f"Not measured: {results.get('load_skipped')}"))
    parts.append(
        (
            f"In process (Django test client, {results['requests_per_page']} requests a page)",
            format_in_process(results["pages"])
            + f"\n\nProcess memory at the end: RSS {results['memory']['rss_kib'] / 1024:.0f} MiB,"
            f" peak RSS {results['memory']['max_rss_kib'] / 1024:.0f} MiB.",
        )
    )
    return parts


def report(results: dict) -> str:
    lines = [
        f"Benchmark at scale {results['scale']!r}: {describe_machine(results['machine'])}",
        targets_line(),
    ]
    for title, text in sections(results):
        lines += ["", f"== {title}", text]
    return "\n".join(lines)


def markdown(results: dict) -> str:
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (bench/run.py); do not edit by hand, run the bench again. "
        "What each figure means: [bench/README.md](../bench/README.md).",
        "",
        f"Measured on {describe_machine(results['machine'])}, at scale `{results['scale']}`.",
        "",
        targets_line(),
    ]
    for title, text in sections(results):
        lines += ["", f"## {title}", "", "```text", text, "```"]
    return "\n".join(lines) + "\n"
