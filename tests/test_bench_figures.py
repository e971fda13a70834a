"""The bench's arithmetic and reports, on made-up readings: CPU per request from /proc, wrk's
and locust's reports parsed, EXPLAIN read, the verdicts on issue 13's targets and the report
text. Nothing here starts a server or times anything (bench/README.md)."""

import pytest

from bench import cpu, load, report, targets, wrk
from bench.explain import summarise
from bench.sessions import parse_wanted
from deploy.launch import ready_fields

# /proc/<pid>/stat of a gunicorn worker; the name holds a space and a parenthesis.
WORKER_STAT = (
    "4242 (gunicorn: (worker)) S 4200 4200 4200 0 -1 4194560 9000 0 0 0 "
    "1250 340 0 0 20 0 1 0 12345 300000000 20000 18446744073709551615"
)

WRK_REPORT = """Running 5s test @ http://127.0.0.1:8001/robots.txt
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.10ms  300.00us   9.87ms   91.00%
    Req/Sec     1.80k   120.00     2.00k    70.00%
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    1.90ms
     99%    4.10ms
  9000 requests in 5.00s, 2.10MB read
  Socket errors: connect 0, read 9000, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   1800.00
Transfer/sec:    430.00KB
"""

LOCUST_STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,\
Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,\
90%,95%,98%,99%,99.9%,99.99%,100%
GET,reader: home,700,0,40,55,5,900,6000,11.7,0.0,40,50,60,70,90,120,200,300,800,900,900
POST,patient: check-in,30,1,90,100,50,400,0,0.5,0.02,90,100,110,120,150,200,300,400,400,400,400
,Aggregated,730,1,42,57,5,900,5800,12.2,0.02,42,52,61,71,92,130,210,310,800,900,900
"""

LOCUST_FAILURES = """Method,Name,Error,Occurrences
POST,patient: check-in,expected a redirect after saving,1
"""

EXPLAIN_TEXT = """Limit  (cost=0.29..4.30 rows=1 width=48) (actual time=0.010..0.011 rows=1 loops=1)
  Buffers: shared hit=63 read=1
  SubPlan 2
    ->  Index Scan using careteam_teamnote_newest on careteam_teamnote u0 (actual rows=1 loops=20)
          Index Cond: (plan_id = careteam_careplan.id)
          Buffers: shared hit=60
Planning Time: 0.060 ms
Execution Time: 0.021 ms
"""


def test_cpu_time_is_read_from_the_processes_own_accounting():
    assert cpu.cpu_seconds_from_stat(WORKER_STAT, ticks_per_second=100) == pytest.approx(15.9)
    assert cpu.parent_from_stat(WORKER_STAT) == 4200


def test_cpu_per_request_counts_only_what_the_run_used_and_new_processes_from_zero():
    before = {1: 10.0, 2: 20.0}
    after = {1: 10.5, 2: 20.25, 3: 0.25}  # process 3 started during the run

    used = cpu.cpu_used(before, after)

    assert used == pytest.approx(1.0)
    assert cpu.ms_per_request(used, 400) == 2.5
    assert cpu.ms_per_request(used, 0) is None


def test_cpu_of_a_run_in_which_a_worker_ended_is_unknown_not_too_low():
    before = {1: 10.0, 2: 20.0}
    after = {2: 20.25, 3: 0.25}  # worker 1 was replaced: its CPU time is gone with it

    used = cpu.cpu_used(before, after)

    assert used is None
    assert cpu.ms_per_request(used, 400) is None


def test_wrk_report_gives_answers_latencies_and_failed_requests():
    result = wrk.parse(WRK_REPORT)

    assert (result.requests, result.seconds) == (9000, 5.0)
    assert result.rate == 1800.0
    assert result.latency_ms == {"50": 0.85, "75": 1.2, "90": 1.9, "99": 4.1}
    # Read errors are gunicorn closing each connection after its answer, not failures.
    assert result.errors == 3 + 2


def test_something_that_is_not_a_wrk_report_is_refused():
    with pytest.raises(ValueError):
        wrk.parse("unable to connect to 127.0.0.1:9 Connection refused")


def test_locust_report_gives_totals_per_page_figures_and_failures():
    figures = load.figures_from(
        LOCUST_STATS, LOCUST_FAILURES, users=50, seconds=60, think=0.0, workers=3
    )

    assert (figures.requests, figures.failures, figures.rate) == (730, 1, 12.2)
    assert (figures.p50_ms, figures.p95_ms, figures.p99_ms) == (42.0, 130.0, 310.0)
    assert [page["page"] for page in figures.pages] == ["reader: home", "patient: check-in"]
    assert figures.failure_kinds == [
        {"page": "patient: check-in", "error": "expected a redirect after saving", "count": 1}
    ]


def test_load_users_are_split_seven_two_one_with_one_of_each_at_least():
    assert load.users_of_each_kind(50) == {"readers": 35, "providers": 10, "patients": 5}
    assert load.users_of_each_kind(3) == {"readers": 1, "providers": 1, "patients": 1}


def test_explain_summary_reads_time_buffers_and_the_index():
    explained = summarise("newest note", EXPLAIN_TEXT, notes_in_table=40000)

    assert (explained.execution_ms, explained.buffers) == (0.021, 64)
    assert explained.uses_index
    assert explained.buffers_per_lookup == 3.0
    assert not summarise("other", "Seq Scan on careteam_teamnote", 1).uses_index


def test_article_verdicts_follow_the_issues_targets():
    assert targets.article_uncached(25.9, 8) == "OK"
    assert targets.article_uncached(30.0, 9) == "OVER (CPU 30.0× trivial > 26×, 9 queries > 8)"
    assert targets.article_cached(0.5) == "OK"
    assert targets.article_cached(0.4).startswith("OVER")


def test_signed_in_verdict_wants_few_queries_little_cpu_and_no_growth():
    flat = {"twice_queries": 18, "calls": 90_000, "twice_calls": 90_100}
    assert targets.signed_in(30.0, 18, demo_queries=18, **flat) == "OK"
    assert targets.signed_in(45.0, 21) == "OVER (CPU 45.0 ms > 40, 21 queries > 20)"
    grows = {"twice_queries": 19, "calls": 90_000, "twice_calls": 120_000}
    assert targets.signed_in(30.0, 18, demo_queries=17, **grows) == (
        "OVER (queries grow 17→18, queries grow 18→19 with twice the data, "
        "calls grow 90000→120000 with twice the data)"
    )


def test_a_page_filling_up_from_the_demo_is_not_growth():
    # Two rows on the demo, a full page at scale: more work, but the same once it is full.
    flat = {"twice_queries": 17, "calls": 88_000, "twice_calls": 88_020}
    assert targets.signed_in(36.0, 17, demo_queries=17, **flat) == "OK"


def _stack_row(name, kind, rate, cpu_ms, queries, **extra):
    return {
        "name": name,
        "path": "/",
        "kind": kind,
        "status": 200,
        "bytes": 2048,
        "page_cache": extra.get("page_cache", ""),
        "requests": 100,
        "seconds": 5.0,
        "rate": rate,
        "errors": 0,
        "cpu_ms": cpu_ms,
        "db_ms": 1.5,
        "p50_ms": 3.0,
        "p99_ms": 9.0,
        "queries": queries,
    }


@pytest.fixture
def made_up_results():
    signed = ("care dashboard", "signed in")
    return {
        "scale": "tiny",
        "requests_per_page": 2,
        "machine": {
            "date": "2026-12-01T10:00:00+00:00",
            "cpus": 2,
            "platform": "Linux",
            "python": "3.11.7",
            "django": "5.2",
            "wagtail": "8.0.1",
            "database": "PostgreSQL 15",
        },
        "migrate_seconds": 10.0,
        "seeding_seconds": {"demo seeders": 5.0, "articles copied": 1.0},
        "rows_at_scale": {"team notes": 40000},
        "pages": [
            {
                "name": "home",
                "status": 200,
                "p50_ms": 10.0,
                "p95_ms": 12.0,
                "max_ms": 13.0,
                "queries": 11,
                "baseline_queries": 11,
                "bytes": 6000,
                "peak_kib": 100.0,
                "verdict": "OK",
            }
        ],
        "explain": {"demo": [summarise("newest note", EXPLAIN_TEXT, 3).as_dict()]},
        "stack": {
            "workers": 2,
            "connections": 2,
            "seconds": 5.0,
            "demo": [_stack_row(*signed, 10.0, 30.0, 15)],
            "scale": [
                _stack_row("trivial view (robots.txt)", "trivial", 1000.0, 1.0, 0),
                _stack_row("flagship article (uncached)", "public", 50.0, 20.0, 7),
                _stack_row("flagship article (cached)", "cached", 400.0, 1.2, 0, page_cache="hit"),
                _stack_row(*signed, 9.0, 33.0, 15),
            ],
            "twice": [_stack_row(*signed, 9.0, 35.0, 15)],
        },
        "twice": {"seeding_seconds": {"dr.lee's plans again": 4.0}, "rows": {"team notes": 41000}},
        "calls": {"scale": {"care dashboard": 88_000}, "twice": {"care dashboard": 88_010}},
        "load": load.figures_from(
            LOCUST_STATS, LOCUST_FAILURES, users=50, seconds=60, think=0.0, workers=3
        ).as_dict(),
        "memory": {"rss_kib": 150000, "max_rss_kib": 160000},
    }


def test_assessment_compares_with_the_trivial_view_and_today(made_up_results):
    results = report.assess(made_up_results)
    rows = {row["name"]: row for row in results["stack"]["scale"]}

    assert rows["flagship article (uncached)"]["cpu_vs_trivial"] == 20.0
    assert rows["flagship article (uncached)"]["verdict"] == "OK"
    assert rows["flagship article (cached)"]["rate_vs_trivial"] == 0.4
    assert rows["flagship article (cached)"]["verdict"].startswith("OVER")
    assert rows["care dashboard"]["verdict"] == "OK"  # 88,000 → 88,010 calls: flat
    assert results["load"]["times_today"] == 1.22
    assert results["load"]["verdict"] == "OVER (1 errors)"


def test_report_and_markdown_show_every_part_with_the_machine(made_up_results):
    results = report.assess(made_up_results)
    text = report.report(results)
    page = report.markdown(results)

    for part in ("Through the stack", "Signed-in pages", "EXPLAIN", "Mixed load", "In process"):
        assert part in text
        assert f"## {part}" in page
    assert "30.0→33.0→35.0" in text  # the dashboard's CPU, demo→scale→twice the data
    assert "team notes 41000" in text
    assert "88000→88010" in text  # its Python calls per request, scale→twice the data
    assert "This run's trivial view took 1.00 ms" in text
    assert "1.2× today's 10/s" in text
    assert "PostgreSQL 15" in page and "2026-12-01" in page


def test_sessions_are_asked_for_by_name_and_count():
    assert parse_wanted(["dr.lee:2", "alex"]) == {"dr.lee": 2, "alex": 1}


def test_ready_line_names_the_stacks_addresses_and_gunicorns_process():
    line = "READY nginx=http://127.0.0.1:1 app=http://127.0.0.1:2 state=/tmp/s gunicorn=4200"

    assert ready_fields(line)["gunicorn"] == "4200"
    assert ready_fields(line)["app"] == "http://127.0.0.1:2"
