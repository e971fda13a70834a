"""Issue 13's targets and the bench's verdicts on them. Figures only: a verdict is printed,
never raised (bench/README.md).

- Article page, uncached: at most ``ARTICLE_CPU_VS_TRIVIAL`` times the trivial view's worker
  CPU (the same stack, the same run) and at most ``ARTICLE_QUERIES`` queries.
- Article page, cached (from Redis): at least ``CACHED_RATE_VS_TRIVIAL`` of the trivial
  view's requests per second.
- Signed-in pages at scale: at most ``SIGNED_IN_QUERIES`` queries and ``SIGNED_IN_CPU_MS``
  worker CPU, flat in the data: the same queries as on the demo, and CPU within
  ``FLAT_CPU_TOLERANCE`` of the demo's (CPU readings of a shared machine wander a little).
- Mixed load: no errors; throughput as a multiple of ``TODAY_REQUESTS_PER_SECOND``, where the
  issue found the server saturated (50 mixed users, 3 workers).
"""

from __future__ import annotations

ARTICLE_CPU_VS_TRIVIAL = 26.0
ARTICLE_QUERIES = 8
CACHED_RATE_VS_TRIVIAL = 0.5
SIGNED_IN_QUERIES = 20
SIGNED_IN_CPU_MS = 40.0
FLAT_CPU_TOLERANCE = 1.25
TODAY_REQUESTS_PER_SECOND = 10.0

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
    demo_cpu_ms: float | None = None,
    demo_queries: int | None = None,
) -> str:
    problems = []
    if cpu_ms is None or cpu_ms > SIGNED_IN_CPU_MS:
        problems.append(f"CPU {_shown(cpu_ms)} ms > {SIGNED_IN_CPU_MS:g}")
    if queries is None or queries > SIGNED_IN_QUERIES:
        problems.append(f"{queries} queries > {SIGNED_IN_QUERIES}")
    if demo_queries is not None and queries is not None and queries > demo_queries:
        problems.append(f"queries grow {demo_queries}→{queries}")
    if demo_cpu_ms and cpu_ms is not None and cpu_ms > demo_cpu_ms * FLAT_CPU_TOLERANCE:
        problems.append(f"CPU grows {_shown(demo_cpu_ms)}→{_shown(cpu_ms)} ms")
    return _verdict(problems)


def load(errors: int) -> str:
    return OK if errors == 0 else _verdict([f"{errors} errors"])
