"""Grow the demo site to a benchmark scale, through the project's own services where a
clinic would (importing articles, starting dr.lee's plans, growing Alex's plan with goals,
notes and reading) and with bulk inserts of the same rows where services would take minutes
(copies of articles: bench/articles.py; thousands of other patients with their teams, notes,
check-ins and reading: bench/clinic.py).

Run after the demo seeders: it builds on their users (dr.lee, pt.morgan, mh.rivera, alex)
and pages. Each part runs in one transaction and is timed on its own.
"""

from __future__ import annotations

import datetime
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditEvent
from careteam import services as care
from careteam.models import (
    CarePlan,
    CarePlanStatus,
    CareTeamMembership,
    Discipline,
    Goal,
    Patient,
    Provider,
    TeamNote,
)
from patientportal.demo import ALEX_RECORD
from patientportal.models import ActivityReport, CheckIn, ReadingAssignment
from patientportal.services.assigned_reading import ContraindicationConflict, assign_reading
from patientportal.services.patients import current_exercises, current_plans_for_patient
from portal.importing import import_markdown_files
from portal.models import ArticlePage

from . import clinic
from .articles import copy_articles
from .clinic import Population

DEMO_ARTICLES = Path(settings.BASE_DIR) / "portal" / "demo_content" / "articles"
# Copies of the articles are first published at even steps over this span up to now.
ARTICLES_PUBLISHED_OVER = datetime.timedelta(days=3 * 365)


@dataclass(frozen=True)
class Scale:
    """How much data to add on top of the demo."""

    articles: int  # extra published articles in all
    imported_articles: int  # of those, imported from Markdown; the rest copied in bulk
    population: Population  # other patients, their plans and teams (bench/clinic.py)
    plan_items: int  # goals and as many activities added to Alex's plan
    plan_notes: int  # team notes added to Alex's plan
    check_ins: int  # Alex's check-ins
    assignments: int  # articles assigned to Alex


LARGE = Scale(
    articles=300,
    imported_articles=20,
    population=Population(
        patients=2000,
        lead_teams=150,
        providers=60,
        logins=500,
        team_size=(3, 6),
        notes_per_plan=(2, 14),
        check_ins_per_patient=(0, 20),
        assignments_per_plan=(0, 6),
    ),
    plan_items=30,
    plan_notes=200,
    check_ins=300,
    assignments=60,
)

# A clinic group: the large scale's clinic, with several sites' patients and teams and a
# large library of articles.
CLINIC_GROUP = replace(
    LARGE,
    articles=2000,
    population=replace(LARGE.population, patients=5000, providers=120, logins=2500),
)

SCALES: dict[str, Scale] = {
    "tiny": Scale(
        articles=3,
        imported_articles=1,
        population=Population(
            patients=6,
            lead_teams=3,
            providers=4,
            logins=3,
            team_size=(3, 6),
            notes_per_plan=(1, 3),
            check_ins_per_patient=(0, 3),
            assignments_per_plan=(0, 2),
        ),
        plan_items=3,
        plan_notes=4,
        check_ins=5,
        assignments=3,
    ),
    "small": Scale(
        articles=30,
        imported_articles=5,
        population=Population(
            patients=200,
            lead_teams=20,
            providers=12,
            logins=50,
            team_size=(3, 6),
            notes_per_plan=(1, 8),
            check_ins_per_patient=(0, 10),
            assignments_per_plan=(0, 4),
        ),
        plan_items=10,
        plan_notes=30,
        check_ins=50,
        assignments=10,
    ),
    "medium": Scale(
        articles=100,
        imported_articles=10,
        population=Population(
            patients=800,
            lead_teams=60,
            providers=30,
            logins=200,
            team_size=(3, 6),
            notes_per_plan=(2, 10),
            check_ins_per_patient=(0, 15),
            assignments_per_plan=(0, 5),
        ),
        plan_items=20,
        plan_notes=100,
        check_ins=150,
        assignments=30,
    ),
    "large": LARGE,
    "clinic-group": CLINIC_GROUP,
}


def seed_demo() -> None:
    """The project's demo, as ``make demo`` builds it."""
    call_command("seed_demo", force=True, verbosity=0, stdout=_Discard())


class _Discard:
    def write(self, *args, **kwargs) -> None:
        pass

    def flush(self) -> None:
        pass


def seed_scale(scale: Scale) -> dict[str, float]:
    """Add ``scale``'s data; returns seconds spent per part."""
    population = scale.population
    state: dict[str, object] = {}

    def plans() -> None:
        state["plans"] = add_plans(population, state["teams"])

    return _timed(
        ("articles imported", lambda: import_articles(scale.imported_articles)),
        (
            "articles copied",
            lambda: copy_articles(
                scale.articles - scale.imported_articles, published_over=ARTICLES_PUBLISHED_OVER
            ),
        ),
        ("providers", lambda: state.update(teams=clinic.add_providers(population.providers))),
        ("patients and plans", plans),
        ("team notes", lambda: clinic.add_notes(state["plans"], population.notes_per_plan)),
        (
            "check-ins",
            lambda: clinic.add_check_ins(state["plans"], population.check_ins_per_patient),
        ),
        (
            "reading assignments",
            lambda: clinic.add_assignments(state["plans"], population.assignments_per_plan),
        ),
        ("large plan", lambda: grow_plan(scale.plan_items, scale.plan_notes)),
        ("patient history", lambda: add_patient_history(scale.check_ins, scale.assignments)),
        ("planner statistics", analyze),
    )


def _timed(*steps: tuple[str, Callable[[], object]]) -> dict[str, float]:
    """Run each step in its own transaction, in order; the seconds each took, by name."""
    timings: dict[str, float] = {}
    for name, step in steps:
        started = time.perf_counter()
        with transaction.atomic():
            step()
        timings[name] = time.perf_counter() - started
    return timings


def analyze() -> None:
    """Fresh planner statistics, as after any bulk load. Without them the first minutes of
    measuring (until autovacuum analyzes the new rows) ran on plans made for nearly empty
    tables: the plan page cost PostgreSQL 128 ms a request instead of 15."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def import_articles(count: int) -> None:
    """Import ``count`` articles written from the demo Markdown, as a clinic moving its blog
    in would (publishing indexes each for search)."""
    if count <= 0:
        return
    sources = sorted(DEMO_ARTICLES.glob("*.md"))
    with tempfile.TemporaryDirectory(prefix="bench-articles-") as folder:
        paths = []
        for number in range(1, count + 1):
            source = sources[number % len(sources)]
            text = source.read_text(encoding="utf-8")
            text = re.sub(
                r'^title: "(.*)"$',
                lambda m, n=number: f'title: "{m.group(1)} (part {n})"',
                text,
                count=1,
                flags=re.M,
            )
            text = re.sub(r"^slug: (.*)$", rf"slug: \1-part-{number}", text, count=1, flags=re.M)
            # A related-articles section would point at pages outside this batch.
            text = re.sub(r"^## Related articles\n.*?(?=^## |\Z)", "", text, flags=re.M | re.S)
            path = Path(folder) / f"bench-{number:04d}.md"
            path.write_text(text, encoding="utf-8")
            paths.append(path)
        report = import_markdown_files(paths, publish=True)
    if not report.ok:
        raise RuntimeError(f"Article import failed: {report.failed[0].describe()}")


def _user(username: str):
    return get_user_model().objects.get(username=username)


def add_plans(population: Population, teams: clinic.Teams) -> list[CarePlan]:
    """``lead_teams`` plans led by dr.lee, started through the services; the other patients'
    plans bulk-inserted with the same rows (bench/clinic.py). Every plan gets its team."""
    led = add_led_plans(range(population.lead_teams))
    clinic.plans_led_by(_user("dr.lee"), led, teams, population)
    patients = clinic.add_patients(
        range(population.lead_teams, population.patients), population.logins
    )
    return led + clinic.add_plans(patients, teams, population)


def add_led_plans(numbers: range) -> list[CarePlan]:
    """Plans for patients ``numbers``, started and led by dr.lee through the services, each
    with its first note."""
    lee = _user("dr.lee")
    led = []
    for number in numbers:
        patient = care.create_patient(lee, **clinic.patient_fields(number))
        plan = care.create_care_plan(
            lee,
            patient,
            title=clinic.PLAN_TITLE,
            status=CarePlanStatus.ACTIVE,
            patient_summary=clinic.PLAN_SUMMARY,
        )
        care.add_team_note(plan, lee, f"First visit done; plan agreed with {patient.full_name}.")
        led.append(plan)
    return led


def seed_twice(scale: Scale) -> dict[str, float]:
    """As much again of what the signed-in pages show: dr.lee's plans (with their notes),
    the large plan's team notes, and Alex's check-ins (older ones: a longer history) and
    reading. A page flat in the data costs the same after this. Seconds per part."""
    population = scale.population
    more = range(population.patients, population.patients + population.lead_teams)
    return _timed(
        (
            "dr.lee's plans again",
            lambda: clinic.add_notes(add_led_plans(more), population.notes_per_plan),
        ),
        ("large plan's notes again", lambda: grow_plan(0, scale.plan_notes)),
        (
            "Alex's history again",
            lambda: add_patient_history(scale.check_ins, scale.assignments, after=scale.check_ins),
        ),
        ("planner statistics", analyze),
    )


def alex_plan() -> CarePlan:
    patient = Patient.objects.get(record_number=ALEX_RECORD)
    return current_plans_for_patient(patient).first()


def grow_plan(items: int, notes: int) -> None:
    """Alex's plan as a long-running one: more goals and activities in every section and a
    long thread of team notes, all through the services (so each leaves its audit record)."""
    plan = alex_plan()
    lee = _user("dr.lee")
    sections = list(plan.sections.all())
    for number in range(items):
        section = sections[number % len(sections)]
        care.create_goal(
            section,
            lee,
            description=f"Review goal {number + 1}: a steady week without a flare",
            measure="Days without a flare, from the pain diary",
            target="5 of 7 days",
        )
        care.create_activity(
            section,
            lee,
            kind="exercise" if section.discipline == Discipline.PHYSICAL_THERAPY else "education",
            title=f"Session {number + 1}: controlled loading",
            status="in-progress",
            schedule="Three times a week",
            instructions="Small, slow movements; stop before pain builds.",
        )
    members = [lee, _user("pt.morgan"), _user("mh.rivera")]
    for number in range(notes):
        care.add_team_note(
            plan,
            members[number % len(members)],
            f"Update {number + 1}: tolerated this week's loading; no red flags reported.",
        )


def add_patient_history(check_ins: int, assignments: int, *, after: int = 0) -> None:
    """Alex's check-in history (bulk, as a year of use leaves it: one every 30 hours going
    back, starting ``after`` check-ins back) and a long reading list assigned through the
    service; about half of it read."""
    plan = alex_plan()
    patient = plan.patient
    exercises = list(current_exercises(patient))
    now = timezone.now()
    created = CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            recorded_at=now - datetime.timedelta(hours=30 * (after + number + 1)),
            pain_score=3 + number % 5,
            note="Walked a little further today." if number % 7 == 0 else "",
        )
        for number in range(check_ins)
    )
    CheckIn.plans.through.objects.bulk_create(
        CheckIn.plans.through(checkin_id=check_in.pk, careplan_id=plan.pk) for check_in in created
    )
    ActivityReport.objects.bulk_create(
        ActivityReport(check_in=check_in, activity=activity, outcome="done")
        for check_in in created
        for activity in exercises[:3]
    )
    lee = _user("dr.lee")
    already = set(plan.reading_assignments.values_list("page_id", flat=True))
    in_review = Q(next_review_due__isnull=True) | Q(next_review_due__gte=timezone.localdate())
    pages = ArticlePage.objects.live().exclude(pk__in=already).filter(in_review).order_by("pk")
    added = 0
    for page in pages:
        if added >= assignments:
            break
        try:
            assign_reading(
                plan, lee, page, note="Worth a read before our next visit.", notify=False
            )
        except ContraindicationConflict:
            assign_reading(
                plan,
                lee,
                page,
                note="Skip the stretching parts.",
                confirm_conflicts=True,
                notify=False,
            )
        added += 1
    unread = plan.reading_assignments.filter(read_at__isnull=True).order_by("pk")
    half = list(unread.values_list("pk", flat=True)[: added // 2])
    ReadingAssignment.objects.filter(pk__in=half).update(read_at=now, helpful=True)


def row_counts() -> dict[str, int]:
    """How big the data ended up, for the report."""
    plan = alex_plan()
    active = CareTeamMembership.objects.active()
    return {
        "articles (live)": ArticlePage.objects.live().count(),
        "patients": Patient.objects.count(),
        "care plans": CarePlan.objects.count(),
        "team places": active.count(),
        "providers": Provider.objects.count(),
        "team notes": TeamNote.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "reading assignments": ReadingAssignment.objects.count(),
        "dr.lee's teams": active.filter(user__username="dr.lee").count(),
        "mh.rivera's teams": active.filter(user__username="mh.rivera").count(),
        "large plan goals": Goal.objects.filter(section__plan=plan).count(),
        "large plan team notes": plan.team_notes.count(),
        "Alex's check-ins": CheckIn.objects.filter(patient=plan.patient).count(),
        "Alex's assignments": plan.reading_assignments.count(),
        "audit events": AuditEvent.objects.count(),
    }
