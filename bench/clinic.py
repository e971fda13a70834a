"""A clinic group's patients and care teams, bulk-inserted as the services would leave them.

Starting 5,000 plans through the care-team services (one transaction, permission checks and
audit record per change) would take many minutes; the bench writes the same rows in bulk:

- providers: physicians (who lead), physical therapists, mental-health clinicians and nurses,
  with their ``Provider`` profiles; the demo's pt.morgan and mh.rivera join the pools;
- per patient: the patient, a portal login for the first ``logins`` of them (an accepted
  invitation, as the welcome link leaves it), an active plan with the default sections, a
  goal, an exercise and a coping strategy;
- per plan: a team of ``team_size`` members (a lead, a physical therapist, a mental-health
  clinician, then nurses as contributors), each with their role's guardian grants; team
  notes by the members, spread over the last year and interleaved between plans, the newest
  setting the plan's last activity; the patient's check-ins (shared with the plan, one
  exercise reported each); articles assigned by members, about half read;
- the audit events the services record for each of those rows (created plan, granted role,
  created note, check-in and assignment), appended through ``audit.services.record_events``
  so the hash chain covers them.

Counts vary from plan to plan within each ``(low, high)`` range, from a fixed seed, so two
runs build the same data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models
from django.utils import timezone

from audit.models import AuditAction
from audit.services import EventSpec, record_events
from careteam.grants import grant_objects
from careteam.models import (
    Activity,
    CarePlan,
    CarePlanStatus,
    CarePlanUserObjectPermission,
    CareTeamMembership,
    Discipline,
    Goal,
    Patient,
    PlanSection,
    Provider,
    TeamNote,
    TeamRole,
)
from careteam.policy import ROLE_GRANTS
from careteam.services.plans import DEFAULT_SECTIONS
from core.demo_users import demo_password
from patientportal.models import ActivityReport, CheckIn, PatientInvitation, ReadingAssignment
from portal.models import ArticlePage

BENCH_RECORD_PREFIX = "BENCH-"
# Family names for generated patients. The dashboard search is measured with the first, so
# it matches on the plain demo (the demo patient Sam) and more often at scale.
FAMILY_NAMES = ("Ortiz", "Okoro", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Byrne", "Novak")
SEARCHED_FAMILY_NAME = FAMILY_NAMES[0]
GIVEN_NAMES = ("Robin", "Noor", "Elena", "Tomas", "Priya", "Kai", "Maren", "Luis", "Ada")
PLAN_TITLE = "Hypermobility back pain plan"
PLAN_SUMMARY = "Strength and control first; calm the pain so training can work."
# The provider pools: (username prefix, discipline, credentials, share of the pool).
POOLS = (
    ("bench.physician", Discipline.PAIN_MANAGEMENT, "MD", 3),
    ("bench.pt", Discipline.PHYSICAL_THERAPY, "DPT", 3),
    ("bench.mh", Discipline.MENTAL_HEALTH, "PsyD", 2),
    ("bench.nurse", Discipline.NURSING, "RN", 2),
)
# Demo providers who join the pools of their discipline (dr.lee leads plans of their own).
DEMO_POOL_MEMBERS = {
    Discipline.PHYSICAL_THERAPY: "pt.morgan",
    Discipline.MENTAL_HEALTH: "mh.rivera",
}
NOTE_SPAN = datetime.timedelta(days=365)
CHECK_IN_EVERY = datetime.timedelta(days=3)
BATCH_SIZE = 2000
SEED = 13


@dataclass(frozen=True)
class Population:
    """How many patients and plans, and how much hangs off each (inclusive ranges)."""

    patients: int
    lead_teams: int  # of the plans, how many dr.lee leads (started through the services)
    providers: int  # bench providers in all, split between the pools
    logins: int  # patients given a portal login
    team_size: tuple[int, int]
    notes_per_plan: tuple[int, int]
    check_ins_per_patient: tuple[int, int]
    assignments_per_plan: tuple[int, int]


@dataclass
class Teams:
    """The providers a population's plans are staffed from, by discipline."""

    physicians: list
    therapists: list
    mental_health: list
    nurses: list


def patient_fields(number: int) -> dict:
    return {
        "given_name": GIVEN_NAMES[number % len(GIVEN_NAMES)],
        "family_name": FAMILY_NAMES[number % len(FAMILY_NAMES)],
        "date_of_birth": datetime.date(1950, 1, 1) + datetime.timedelta(days=number * 11 % 20000),
        "record_number": f"{BENCH_RECORD_PREFIX}{number:06d}",
        "email": f"bench.patient{number}@example.org",
    }


def patient_username(number: int) -> str:
    return f"bench.patient{number}"


def pool_sizes(providers: int) -> list[int]:
    """How many of ``providers`` each pool gets, by its share, at least one each."""
    total = sum(share for *_, share in POOLS)
    sizes = [max(1, providers * share // total) for *_, share in POOLS]
    sizes[0] += max(0, providers - sum(sizes))
    return sizes


def _by_username(usernames: Sequence[str]) -> dict[str, object]:
    users = get_user_model().objects.filter(username__in=usernames)
    return {user.get_username(): user for user in users}


def add_providers(count: int) -> Teams:
    """The bench's providers (created once, with the demo password) and the pools."""
    password = make_password(demo_password())
    wanted: list[tuple[str, str, str, int]] = []
    for (prefix, discipline, credentials, _), size in zip(POOLS, pool_sizes(count), strict=True):
        wanted += [(f"{prefix}{n}", discipline, credentials, n) for n in range(1, size + 1)]
    existing = _by_username([username for username, *_ in wanted])
    User = get_user_model()
    new = User.objects.bulk_create(
        User(
            username=username,
            first_name=discipline.label.split()[0],
            last_name=f"Bench {number}",
            email=f"{username}@demo.clinic.example",
            password=password,
        )
        for username, discipline, _, number in wanted
        if username not in existing
    )
    profiles = {user.get_username(): user for user in new}
    Provider.objects.bulk_create(
        Provider(user=profiles[username], discipline=discipline, credentials=credentials)
        for username, discipline, credentials, _ in wanted
        if username in profiles
    )
    users = {**existing, **profiles}
    demo = _by_username(list(DEMO_POOL_MEMBERS.values()))
    pools: dict[str, list] = {discipline: [] for _, discipline, _, _ in POOLS}
    for username, discipline, _, _ in wanted:
        pools[discipline].append(users[username])
    for discipline, username in DEMO_POOL_MEMBERS.items():
        if username in demo:
            pools[discipline].insert(0, demo[username])
    return Teams(
        physicians=pools[Discipline.PAIN_MANAGEMENT],
        therapists=pools[Discipline.PHYSICAL_THERAPY],
        mental_health=pools[Discipline.MENTAL_HEALTH],
        nurses=pools[Discipline.NURSING],
    )


def team_for(number: int, size: int, teams: Teams, lead=None) -> list[tuple[object, str]]:
    """(user, role) of plan ``number``'s team of ``size``: its lead, a physical therapist, a
    mental-health clinician, then nurses as contributors (each pool taken in turn; smaller
    when the nurses run out, as one person holds one place on a team)."""
    members = [
        (lead or teams.physicians[number % len(teams.physicians)], TeamRole.LEAD),
        (teams.therapists[number % len(teams.therapists)], TeamRole.PHYSICAL_THERAPY),
        (teams.mental_health[number % len(teams.mental_health)], TeamRole.MENTAL_HEALTH),
    ][: max(size, 1)]
    for extra in range(min(max(0, size - len(members)), len(teams.nurses))):
        nurse = teams.nurses[(number + extra) % len(teams.nurses)]
        members.append((nurse, TeamRole.CONTRIBUTOR))
    return members


@contextmanager
def given_creation_times(*model_classes: type[models.Model]) -> Iterator[None]:
    """Inside, ``bulk_create`` keeps the ``created_at``/``assigned_at`` the bench sets
    (history spread over a year) instead of stamping now (``auto_now_add``)."""
    fields = [
        field
        for model in model_classes
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False)
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def record_by_actor(events: Sequence[tuple[object, EventSpec]]) -> None:
    """Append ``(actor, event)`` pairs, one INSERT per actor, as each actor's own changes
    would have recorded them."""
    by_actor: dict[object, list[EventSpec]] = defaultdict(list)
    for actor, event in events:
        by_actor[actor].append(event)
    for actor, specs in by_actor.items():
        record_events(actor, specs)


def add_patients(numbers: range, logins: int) -> list[Patient]:
    """The patients, and portal logins (with an accepted invitation) for the first
    ``logins`` of them."""
    patients = Patient.objects.bulk_create(
        (Patient(**patient_fields(n)) for n in numbers), batch_size=BATCH_SIZE
    )
    with_login = patients[:logins]
    if not with_login:
        return patients
    password = make_password(demo_password())
    User = get_user_model()
    users = User.objects.bulk_create(
        (
            User(
                username=patient_username(n),
                first_name=patient.given_name,
                last_name=patient.family_name,
                email=patient.email,
                password=password,
            )
            for n, patient in zip(numbers, with_login, strict=False)
        ),
        batch_size=BATCH_SIZE,
    )
    for patient, user in zip(with_login, users, strict=True):
        patient.user = user
    Patient.objects.bulk_update(with_login, ["user"], batch_size=BATCH_SIZE)
    now = timezone.now()
    PatientInvitation.objects.bulk_create(
        (
            PatientInvitation(patient=p, user=p.user, invited_by=None, accepted_at=now)
            for p in with_login
        ),
        batch_size=BATCH_SIZE,
    )
    return patients


def add_plans(patients: Sequence[Patient], teams: Teams, population: Population) -> list[CarePlan]:
    """An active plan for each patient, with its sections, a goal, an exercise and a coping
    strategy, and its team with their grants; audited as the services audit them."""
    rng = random.Random(SEED)
    plans = CarePlan.objects.bulk_create(
        (
            CarePlan(
                patient=patient,
                title=PLAN_TITLE,
                status=CarePlanStatus.ACTIVE,
                patient_summary=PLAN_SUMMARY,
            )
            for patient in patients
        ),
        batch_size=BATCH_SIZE,
    )
    memberships = []
    for number, plan in enumerate(plans):
        team = team_for(number, rng.randint(*population.team_size), teams)
        plan.created_by = plan.updated_by = team[0][0]
        memberships += [
            CareTeamMembership(plan=plan, user=user, role=role, added_by=team[0][0])
            for user, role in team
        ]
    CarePlan.objects.bulk_update(plans, ["created_by", "updated_by"], batch_size=BATCH_SIZE)
    add_sections(plans)
    add_memberships(memberships)
    record_by_actor(
        [
            (plan.created_by, EventSpec(AuditAction.CREATED, plan, plan=plan, patient=plan.patient))
            for plan in plans
        ]
    )
    return plans


def add_sections(plans: Sequence[CarePlan]) -> None:
    sections = PlanSection.objects.bulk_create(
        (
            PlanSection(plan=plan, discipline=discipline, sort_order=index)
            for plan in plans
            for index, discipline in enumerate(DEFAULT_SECTIONS)
        ),
        batch_size=BATCH_SIZE,
    )
    by_discipline = {(s.plan_id, s.discipline): s for s in sections}
    Goal.objects.bulk_create(
        (
            Goal(
                section=by_discipline[(plan.pk, Discipline.PAIN_MANAGEMENT)],
                description="Pain 4 out of 10 or less on a working day",
                measure="Worst pain at work, 0–10",
                target="4 or less",
                created_by=plan.created_by,
                updated_by=plan.created_by,
            )
            for plan in plans
        ),
        batch_size=BATCH_SIZE,
    )
    Activity.objects.bulk_create(
        (
            Activity(
                section=by_discipline[(plan.pk, discipline)],
                kind=kind,
                title=title,
                status="in-progress",
                schedule="Three times a week",
                instructions="Small, slow movements; stop before pain builds.",
                created_by=plan.created_by,
                updated_by=plan.created_by,
            )
            for plan in plans
            for discipline, kind, title in (
                (Discipline.PHYSICAL_THERAPY, "exercise", "Side plank, knees bent"),
                (Discipline.MENTAL_HEALTH, "coping_strategy", "Paced breathing in a flare"),
            )
        ),
        batch_size=BATCH_SIZE,
    )


def add_memberships(memberships: list[CareTeamMembership]) -> None:
    """The memberships, each role's grants, and the 'granted' events ``grant_role`` writes."""
    memberships = CareTeamMembership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    permissions = {role: grant_objects(sorted(codes)) for role, codes in ROLE_GRANTS.items()}
    CarePlanUserObjectPermission.objects.bulk_create(
        (
            CarePlanUserObjectPermission(user=m.user, permission=permission, content_object=m.plan)
            for m in memberships
            for permission in permissions[m.role]
        ),
        batch_size=BATCH_SIZE,
    )
    record_by_actor(
        [
            (
                m.added_by,
                EventSpec(
                    AuditAction.GRANTED,
                    m,
                    plan=m.plan,
                    detail={
                        "user": m.user.get_username(),
                        "role": m.role,
                        "permissions": sorted(ROLE_GRANTS[m.role]),
                    },
                ),
            )
            for m in memberships
        ]
    )


def add_notes(plans: Sequence[CarePlan], notes_per_plan: tuple[int, int]) -> int:
    """Team notes by each plan's members, written round by round (the first note of every
    plan, then the second...) so each plan's notes spread over the whole year, as the
    notes of a clinic's plans interleave in the table; the newest sets last activity."""
    rng = random.Random(SEED + 1)
    authors = _active_members(plans)
    wanted = {plan.pk: rng.randint(*notes_per_plan) for plan in plans}
    rounds = max(wanted.values(), default=0)
    order = [(plan, r) for r in range(rounds) for plan in plans if r < wanted[plan.pk]]
    now = timezone.now()
    step = NOTE_SPAN / max(len(order), 1)
    notes = [
        TeamNote(
            plan=plan,
            author=authors[plan.pk][r % len(authors[plan.pk])],
            body=f"Review {r + 1}: tolerating this stage's loading; no red flags reported.",
            created_at=now - NOTE_SPAN + step * (index + 1),
        )
        for index, (plan, r) in enumerate(order)
    ]
    with given_creation_times(TeamNote):
        notes = TeamNote.objects.bulk_create(notes, batch_size=BATCH_SIZE)
    newest: dict[int, datetime.datetime] = {}
    for note in notes:
        newest[note.plan_id] = note.created_at
    for plan in plans:
        # A plan started through the services already has a note from now.
        times = [t for t in (newest.get(plan.pk), plan.last_activity_at) if t is not None]
        plan.last_activity_at = max(times, default=now)
    CarePlan.objects.bulk_update(plans, ["last_activity_at"], batch_size=BATCH_SIZE)
    record_by_actor(
        [(note.author, EventSpec(AuditAction.CREATED, note, plan=note.plan)) for note in notes]
    )
    return len(notes)


def _active_members(plans: Sequence[CarePlan]) -> dict[int, list]:
    members: dict[int, list] = {plan.pk: [] for plan in plans}
    rows = (
        CareTeamMembership.objects.active()
        .filter(plan__in=[plan.pk for plan in plans])
        .select_related("user")
        .order_by("pk")
    )
    for membership in rows.iterator(chunk_size=BATCH_SIZE):
        members[membership.plan_id].append(membership.user)
    return members


def add_check_ins(plans: Sequence[CarePlan], per_patient: tuple[int, int]) -> int:
    """Each plan's patient checking in every few days up to now, shared with the plan, with
    the plan's exercise reported; the 'created' event ``record_check_in`` writes."""
    rng = random.Random(SEED + 2)
    exercises = dict(
        Activity.objects.filter(
            section__plan__in=[plan.pk for plan in plans], kind="exercise"
        ).values_list("section__plan_id", "pk")
    )
    now = timezone.now()
    wanted = [(plan, n) for plan in plans for n in range(rng.randint(*per_patient))]
    check_ins = CheckIn.objects.bulk_create(
        (
            CheckIn(
                patient_id=plan.patient_id,
                recorded_at=now - CHECK_IN_EVERY * (n + 1),
                pain_score=3 + (plan.pk + n) % 5,
                note="Walked a little further today." if n % 7 == 0 else "",
            )
            for plan, n in wanted
        ),
        batch_size=BATCH_SIZE,
    )
    shared = CheckIn.plans.through
    shared.objects.bulk_create(
        (
            shared(checkin_id=check_in.pk, careplan_id=plan.pk)
            for check_in, (plan, _) in zip(check_ins, wanted, strict=True)
        ),
        batch_size=BATCH_SIZE,
    )
    ActivityReport.objects.bulk_create(
        (
            ActivityReport(check_in=check_in, activity_id=exercises[plan.pk], outcome="done")
            for check_in, (plan, _) in zip(check_ins, wanted, strict=True)
            if plan.pk in exercises
        ),
        batch_size=BATCH_SIZE,
    )
    record_by_actor(
        [
            (
                plan.patient.user,
                EventSpec(
                    AuditAction.CREATED,
                    check_in,
                    patient=plan.patient,
                    detail={"pain_score": check_in.pain_score, "red_flags": []},
                ),
            )
            for check_in, (plan, _) in zip(check_ins, wanted, strict=True)
        ]
    )
    return len(check_ins)


def add_assignments(plans: Sequence[CarePlan], per_plan: tuple[int, int]) -> int:
    """Live articles assigned by each plan's members, about half of them read."""
    rng = random.Random(SEED + 3)
    pages = list(ArticlePage.objects.live().order_by("pk").values_list("pk", "title"))
    if not pages:
        return 0
    authors = _active_members(plans)
    now = timezone.now()
    rows = []
    for plan in plans:
        picked = rng.sample(pages, min(rng.randint(*per_plan), len(pages)))
        for n, (page_id, title) in enumerate(picked):
            assigned_at = now - datetime.timedelta(days=7 * (n + 1))
            rows.append(
                ReadingAssignment(
                    plan=plan,
                    page_id=page_id,
                    page_title=title,
                    assigned_by=authors[plan.pk][n % len(authors[plan.pk])],
                    note="Worth a read before our next visit.",
                    assigned_at=assigned_at,
                    read_at=assigned_at + datetime.timedelta(days=2) if n % 2 else None,
                    helpful=True if n % 2 else None,
                )
            )
    with given_creation_times(ReadingAssignment):
        rows = ReadingAssignment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    record_by_actor(
        [(row.assigned_by, EventSpec(AuditAction.CREATED, row, plan=row.plan)) for row in rows]
    )
    return len(rows)


def plans_led_by(lead, plans: Sequence[CarePlan], teams: Teams, population: Population) -> None:
    """Team members for plans a lead started through the services (they hold the lead)."""
    rng = random.Random(SEED + 4)
    memberships = [
        CareTeamMembership(plan=plan, user=user, role=role, added_by=lead)
        for number, plan in enumerate(plans)
        for user, role in team_for(number, rng.randint(*population.team_size), teams, lead)[1:]
    ]
    add_memberships(memberships)
