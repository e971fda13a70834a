"""Issue 13's targets and the bench's verdicts on them. Figures only: a verdict is printed,
never raised (bench/README.md).

- Article page, uncached: at most ``ARTICLE_CPU_VS_TRIVIAL`` times the trivial view's worker
  CPU (the same stack, the same run) and at most ``ARTICLE_QUERIES`` queries.
- Article page, cached (from Redis): at least ``CACHED_RATE_VS_TRIVIAL`` of the trivial
  view's requests per second.
- Signed-in pages at scale: at most ``SIGNED_IN_QUERIES`` queries and ``SIGNED_IN_CPU_MS``
  worker CPU, flat in the data: no more queries than on the demo, and with twice the data
  they show (more plans, notes, check-ins and reading) the same queries and Python calls per
  request within ``FLAT_CALLS_TOLERANCE`` of the scale's. Calls, not CPU time: the same
  work reads ±15 % in CPU time from one minute to the next on a shared machine, while its
  calls stay put; the CPU times are printed beside them. The demo is no baseline for the
  work either: its pages are mostly empty (two plans on a page of twenty, three notes), so
  the step from it measures a page filling up, not a page growing with the data.
- Mixed load: no errors; throughput as a multiple of ``TODAY_REQUESTS_PER_SECOND``, where the
  issue found the server saturated (50 mixed users, 3 workers).
"""

from __future__ import annotations

ARTICLE_CPU_VS_TRIVIAL = 26.0
ARTICLE_QUERIES = 8
CACHED_RATE_VS_TRIVIAL = 0.5
SIGNED_IN_QUERIES = 20
SIGNED_IN_CPU_MS = 40.0
FLAT_CALLS_TOLERANCE = 1.02
TODAY_REQUESTS_PER_SECOND = 10.0
# The trivial view's worker CPU when the issue set its targets (robots.txt, the same
# stack, fewer middleware): printed beside each run's own, which shows the machine's speed.
ISSUE_TRIVIAL_CPU_MS = 0.36

OK = "OK"


def ratio(value: float | None, reference: float | None) -> float | None:
    if value is None or not reference:
        return None
    return round(value / reference, 2)


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _verdict(problems: list[str]) -> str:
    return OK if not problems else "OVER (" + ", ".join(problems) + ")"


def article_uncached(cpu_vs_trivial: float | None, queries: int | None) -> str:
    problems = []
    if cpu_vs_trivial is None or cpu_vs_trivial > ARTICLE_CPU_VS_TRIVIAL:
        problems.append(f"CPU {_shown(cpu_vs_trivial)}× trivial > {ARTICLE_CPU_VS_TRIVIAL:g}×")
    if queries is None or queries > ARTICLE_QUERIES:
        problems.append(f"{queries} queries > {ARTICLE_QUERIES}")
    return _verdict(problems)


def article_cached(rate_vs_trivial: float | None) -> str:
    if rate_vs_trivial is None or rate_vs_trivial < CACHED_RATE_VS_TRIVIAL:
        return _verdict([f"rate {_shown(rate_vs_trivial)}× trivial < {CACHED_RATE_VS_TRIVIAL:g}×"])
    return OK


def signed_in(
    cpu_ms: float | None,
    queries: int | None,
    demo_queries: int | None = None,
    twice_queries: int | None = None,
    calls: int | None = None,
    twice_calls: int | None = None,
) -> str:
    """The verdict at scale, given the demo's queries and the figures with twice the data
    (None: not measured)."""
    problems = []
    if cpu_ms is None or cpu_ms > SIGNED_IN_CPU_MS:
        problems.append(f"CPU {_shown(cpu_ms)} ms > {SIGNED_IN_CPU_MS:g}")
    if queries is None or queries > SIGNED_IN_QUERIES:
        problems.append(f"{queries} queries > {SIGNED_IN_QUERIES}")
    if demo_queries is not None and queries is not None and queries > demo_queries:
        problems.append(f"queries grow {demo_queries}→{queries}")
    if twice_queries is not None and queries is not None and twice_queries > queries:
        problems.append(f"queries grow {queries}→{twice_queries} with twice the data")
    if twice_calls and calls and twice_calls > calls * FLAT_CALLS_TOLERANCE:
        problems.append(f"calls grow {calls}→{twice_calls} with twice the data")
    return _verdict(problems)


def load(errors: int) -> str:
    return OK if errors == 0 else _verdict([f"{errors} errors"])
