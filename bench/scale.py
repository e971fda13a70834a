"""Grow the demo site to a benchmark scale, through the project's own services where a
clinic would (importing articles, starting plans, adding goals, notes and reading) and with
bulk inserts of the same rows where services would take minutes (thousands of other
patients, check-in history).

Run after the demo seeders: it builds on their users (dr.lee, mh.rivera, alex) and pages.
"""

from __future__ import annotations

import datetime
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.services import EventSpec, record_events
from careteam import services as care
from careteam.grants import grant_objects
from careteam.models import (
    CarePlan,
    CarePlanStatus,
    CarePlanUserObjectPermission,
    CareTeamMembership,
    Discipline,
    Goal,
    Patient,
    PlanSection,
    TeamNote,
    TeamRole,
)
from careteam.policy import ROLE_GRANTS
from careteam.services.plans import DEFAULT_SECTIONS
from core.demo_users import ensure_demo_user
from patientportal.demo import ALEX_RECORD
from patientportal.models import ActivityReport, CheckIn, ReadingAssignment
from patientportal.services.assigned_reading import ContraindicationConflict, assign_reading
from patientportal.services.patients import current_exercises, current_plans_for_patient
from portal.importing import import_markdown_files
from portal.models import ArticlePage

DEMO_ARTICLES = Path(settings.BASE_DIR) / "portal" / "demo_content" / "articles"
BENCH_RECORD_PREFIX = "BENCH-"
# Family names for generated patients. The dashboard search is measured with the demo
# patient Sam's family name, so it matches on the plain demo and more often at scale.
FAMILY_NAMES = ("Ortiz", "Okoro", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Byrne", "Novak")
SEARCHED_FAMILY_NAME = FAMILY_NAMES[0]
GIVEN_NAMES = ("Robin", "Noor", "Elena", "Tomas", "Priya", "Kai", "Maren", "Luis", "Ada")


@dataclass(frozen=True)
class Scale:
    """How much data to add on top of the demo."""

    articles: int  # extra published articles, imported from Markdown
    patients: int  # extra patients, each with an active plan
    lead_teams: int  # of those plans, how many dr.lee leads (the rest: another physician)
    plan_items: int  # goals and as many activities added to Alex's plan
    plan_notes: int  # team notes added to Alex's plan
    check_ins: int  # Alex's check-ins
    assignments: int  # articles assigned to Alex


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        articles=3,
        patients=6,
        lead_teams=3,
        plan_items=3,
        plan_notes=4,
        check_ins=5,
        assignments=3,
    ),
    "small": Scale(
        articles=30,
        patients=200,
        lead_teams=20,
        plan_items=10,
        plan_notes=30,
        check_ins=50,
        assignments=10,
    ),
    "medium": Scale(
        articles=100,
        patients=800,
        lead_teams=60,
        plan_items=20,
        plan_notes=100,
        check_ins=150,
        assignments=30,
    ),
    "large": Scale(
        articles=300,
        patients=2000,
        lead_teams=150,
        plan_items=30,
        plan_notes=200,
        check_ins=300,
        assignments=60,
    ),
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
    timings: dict[str, float] = {}
    for name, step in (
        ("articles", lambda: add_articles(scale.articles)),
        ("patients and plans", lambda: add_plans(scale.patients, scale.lead_teams)),
        ("large plan", lambda: grow_plan(scale.plan_items, scale.plan_notes)),
        ("patient history", lambda: add_patient_history(scale.check_ins, scale.assignments)),
    ):
        started = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - started
    return timings


def add_articles(count: int) -> None:
    """Import ``count`` articles written from the demo Markdown, as a clinic moving its blog
    in would, then rebuild the search index."""
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
    call_command("update_index", verbosity=0, stdout=_Discard())


def _user(username: str):
    return get_user_model().objects.get(username=username)


def add_plans(count: int, lead_teams: int) -> None:
    """``lead_teams`` plans led by dr.lee, started through the services; the other patients'
    plans are bulk-inserted with the same rows the services write (sections, lead membership,
    guardian grants, a created event, a team note)."""
    lee = _user("dr.lee")
    for number in range(lead_teams):
        patient = care.create_patient(lee, **_patient_fields(number))
        plan = care.create_care_plan(
            lee,
            patient,
            title="Hypermobility back pain plan",
            status=CarePlanStatus.ACTIVE,
            patient_summary="Strength and control first; calm the pain so training can work.",
        )
        care.add_team_note(plan, lee, f"First visit done; plan agreed with {patient.full_name}.")
    other = ensure_demo_user("bench.physician", first_name="Bench", last_name="Physician")
    care.create_provider(other, discipline=Discipline.PAIN_MANAGEMENT, credentials="MD")
    _bulk_plans(other, range(lead_teams, count))


def _patient_fields(number: int) -> dict:
    return {
        "given_name": GIVEN_NAMES[number % len(GIVEN_NAMES)],
        "family_name": FAMILY_NAMES[number % len(FAMILY_NAMES)],
        "date_of_birth": datetime.date(1950, 1, 1) + datetime.timedelta(days=number * 11 % 20000),
        "record_number": f"{BENCH_RECORD_PREFIX}{number:06d}",
        "email": f"bench.patient{number}@example.org",
    }


def _bulk_plans(lead, numbers: range) -> None:
    if not numbers:
        return
    now = timezone.now()
    patients = Patient.objects.bulk_create(Patient(**_patient_fields(n)) for n in numbers)
    plans = CarePlan.objects.bulk_create(
        CarePlan(
            patient=patient,
            title="Hypermobility back pain plan",
            status=CarePlanStatus.ACTIVE,
            patient_summary="Strength and control first; calm the pain so training can work.",
            created_by=lead,
            updated_by=lead,
            last_activity_at=now,
        )
        for patient in patients
    )
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, discipline=discipline, sort_order=index)
        for plan in plans
        for index, discipline in enumerate(DEFAULT_SECTIONS)
    )
    CareTeamMembership.objects.bulk_create(
        CareTeamMembership(plan=plan, user=lead, role=TeamRole.LEAD, added_by=lead)
        for plan in plans
    )
    permissions = grant_objects(sorted(ROLE_GRANTS[TeamRole.LEAD]))
    CarePlanUserObjectPermission.objects.bulk_create(
        CarePlanUserObjectPermission(user=lead, permission=permission, content_object=plan)
        for plan in plans
        for permission in permissions
    )
    TeamNote.objects.bulk_create(
        TeamNote(plan=plan, author=lead, body="First visit done; plan agreed.") for plan in plans
    )
    record_events(
        lead,
        [EventSpec(AuditAction.CREATED, plan, plan=plan, patient=plan.patient) for plan in plans],
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


def add_patient_history(check_ins: int, assignments: int) -> None:
    """Alex's check-in history (bulk, as a year of use leaves it) and a long reading list
    assigned through the service; about half of it read."""
    plan = alex_plan()
    patient = plan.patient
    exercises = list(current_exercises(patient))
    now = timezone.now()
    created = CheckIn.objects.bulk_create(
        CheckIn(
            patient=patient,
            recorded_at=now - datetime.timedelta(hours=30 * (number + 1)),
            pain_score=3 + number % 5,
            note="Walked a little further today." if number % 7 == 0 else "",
        )
        for number in range(check_ins)
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
    return {
        "articles (live)": ArticlePage.objects.live().count(),
        "patients": Patient.objects.count(),
        "care plans": CarePlan.objects.count(),
        "dr.lee's teams": CareTeamMembership.objects.active()
        .filter(user__username="dr.lee")
        .count(),
        "large plan goals": Goal.objects.filter(section__plan=plan).count(),
        "large plan team notes": plan.team_notes.count(),
        "Alex's check-ins": CheckIn.objects.filter(patient=plan.patient).count(),
        "Alex's assignments": plan.reading_assignments.count(),
        "audit events": AuditEvent.objects.count(),
    }
