"""The mixed load through nginx: locust headless (bench/locustfile.py) against the whole
stack (nginx, gunicorn, the task worker, PostgreSQL, Redis), and its figures.

``load_plan`` chooses what the users do and who they are: live articles, topics and search
words for readers; for providers, the busiest care-team members (dr.lee, mh.rivera,
pt.morgan first) with the plans on their dashboard's first page; for patients, Alex and
patients with a portal login. ``run_locust`` runs locust and reads its CSV report
(``parse_stats``, ``parse_failures``); the gunicorn workers' CPU time is read around it.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from careteam.models import CarePlanStatus, CareTeamMembership, Patient
from patientportal.demo import ALEX_RECORD
from portal.models import ArticlePage, Topic

from . import cpu
from .stack import BenchStack

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
# Users by kind, as the locustfile weighs them: 7 readers, 2 providers, 1 patient in 10.
SHARES = {"readers": 0.7, "providers": 0.2, "patients": 0.1}
DEMO_PROVIDERS = ("dr.lee", "mh.rivera", "pt.morgan")
SEARCH_TERMS = ("stability", "pacing", "sleep", "posture", "flare", "imaging", "stretching")
ARTICLES_READ = 400
PLANS_PER_PROVIDER = 20
STOP_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class People:
    """Who the signed-in users are: providers with the plans they open, patients."""

    providers: dict[str, list[int]]
    patients: list[str]


@dataclass
class LoadFigures:
    users: int
    seconds: float
    think_seconds: float
    workers: int
    requests: int
    failures: int
    rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    worker_cpu_ms: float | None
    pages: list[dict] = field(default_factory=list)
    failure_kinds: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def users_of_each_kind(users: int) -> dict[str, int]:
    """How many of ``users`` are readers, providers and patients (at least one each)."""
    counts = {kind: max(1, round(users * share)) for kind, share in SHARES.items()}
    counts["readers"] = max(1, users - counts["providers"] - counts["patients"])
    return counts


def choose_people(users: int) -> People:
    """Distinct providers and patients, one per signed-in load user."""
    counts = users_of_each_kind(users)
    busiest = list(
        get_user_model()
        .objects.filter(provider_profile__isnull=False)
        .annotate(
            teams=Count(
                "care_team_memberships",
                filter=Q(care_team_memberships__left_at__isnull=True),
            )
        )
        .filter(teams__gt=0)
        .order_by("-teams", "username")
        .values_list("username", flat=True)
    )
    names = [name for name in DEMO_PROVIDERS if name in busiest]
    names += [name for name in busiest if name not in names]
    providers = {name: plans_of(name) for name in names[: counts["providers"]]}
    with_plans = (
        Patient.objects.filter(user__isnull=False, care_plans__status=CarePlanStatus.ACTIVE)
        .exclude(record_number=ALEX_RECORD)
        .order_by("pk")
        .values_list("user__username", flat=True)
        .distinct()
    )
    alex = Patient.objects.filter(record_number=ALEX_RECORD).values_list(
        "user__username", flat=True
    )
    patients = [*alex, *with_plans[: counts["patients"] - 1]]
    return People(providers=providers, patients=patients[: counts["patients"]])


def plans_of(username: str) -> list[int]:
    """The plans on the first page of the provider's dashboard (most recent activity)."""
    rows = (
        CareTeamMembership.objects.active()
        .filter(user__username=username)
        .order_by("-plan__last_activity_at", "-plan_id")
        .values_list("plan_id", flat=True)
    )
    return list(rows[:PLANS_PER_PROVIDER])


def load_plan(people: People, cookies: dict[str, str], cookie_name: str, think: float) -> dict:
    """What the locustfile reads: pages, topics, search words and the signed-in people."""
    articles = list(
        ArticlePage.objects.live().public().order_by("-first_published_at")[:ARTICLES_READ]
    )
    topics = Topic.objects.filter(articles__live=True).distinct().order_by("slug")
    return {
        "think_seconds": think,
        "cookie_name": cookie_name,
        "articles": [page.get_url() for page in articles],
        "topics": [f"/articles/?topic={topic.slug}" for topic in topics],
        "search_terms": list(SEARCH_TERMS),
        "providers": [
            {"session": cookies[name], "plans": plans}
            for name, plans in people.providers.items()
            if plans
        ],
        "patients": [{"session": cookies[name]} for name in people.patients],
    }


def parse_stats(text: str) -> tuple[dict, list[dict]]:
    """locust's ``*_stats.csv``: the "Aggregated" row and the per-page rows."""
    rows = list(csv.DictReader(io.StringIO(text)))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return total, [row for row in rows if row["Name"] != "Aggregated"]


def parse_failures(text: str) -> list[dict]:
    """locust's ``*_failures.csv``: each kind of failure with its page and count."""
    return [
        {"page": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _ms(row: dict, column: str) -> float:
    value = row.get(column, "")
    return round(float(value), 1) if value not in ("", "N/A") else 0.0


def page_row(row: dict) -> dict:
    return {
        "page": row["Name"],
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rate": round(float(row["Requests/s"]), 2),
        "p50_ms": _ms(row, "50%"),
        "p95_ms": _ms(row, "95%"),
    }


def figures_from(
    stats: str, failures: str, *, users: int, seconds: float, think: float, workers: int
) -> LoadFigures:
    total, pages = parse_stats(stats)
    return LoadFigures(
        users=users,
        seconds=seconds,
        think_seconds=think,
        workers=workers,
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rate=round(float(total["Requests/s"]), 1),
        p50_ms=_ms(total, "50%"),
        p95_ms=_ms(total, "95%"),
        p99_ms=_ms(total, "99%"),
        worker_cpu_ms=None,
        pages=[page_row(row) for row in pages],
        failure_kinds=parse_failures(failures),
    )


def run_locust(
    stack: BenchStack,
    plan: dict,
    *,
    users: int,
    seconds: float,
    workers: int,
    results_dir: Path,
) -> LoadFigures:
    """locust headless through nginx for ``seconds`` with ``users`` (all started at once)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    plan_path = results_dir / "load-plan.json"
    plan_path.write_text(json.dumps(plan), encoding="utf-8")
    prefix = results_dir / "load"
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(LOCUSTFILE),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{max(1, round(seconds))}s",
        "--stop-timeout",
        str(STOP_TIMEOUT_SECONDS),
        "--host",
        stack.nginx_url,
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    env = {**os.environ, "BENCH_LOAD_PLAN": str(plan_path)}
    pids = stack.worker_pids()
    before = cpu.cpu_seconds(pids)
    try:
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    finally:
        plan_path.unlink()  # it holds session cookies
    used = cpu.cpu_used(before, cpu.cpu_seconds(pids))
    figures = figures_from(
        Path(f"{prefix}_stats.csv").read_text(encoding="utf-8"),
        Path(f"{prefix}_failures.csv").read_text(encoding="utf-8"),
        users=users,
        seconds=seconds,
        think=float(plan["think_seconds"]),
        workers=workers,
    )
    figures.worker_cpu_ms = cpu.ms_per_request(used, figures.requests)
    return figures
