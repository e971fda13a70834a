"""Demo care teams: four providers and two fictional patients with hypermobility back-pain
plans, written through the services so their history and audit trail are real.

Run by ``manage.py seed_demo`` (this app's ``demo_seeder``). It adds only what is missing: a
provider login that exists keeps its password and profile, and a demo patient who already has
a plan keeps it exactly as the team left it. With ``reset`` the demo patients are deleted with
their plans and everything recorded against them (the deletion itself is audited), built
again, and the provider logins get their demo names and password back. Patient logins are
added by the patient portal's seeder.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TextIO

from django.contrib.auth.models import Group

from audit.models import AuditAction
from audit.services import EventSpec, record_events
from careteam.models import (
    CarePlan,
    Discipline,
    EmergencyAccess,
    Patient,
    PlanSection,
    Provider,
    TeamRole,
)
from careteam.policy import ON_CALL_GROUP
from careteam.services import (
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_activity,
    create_care_plan,
    create_goal,
    create_patient,
    create_provider,
    update_plan,
)
from core.demo_users import demo_user
from portal.models import ContraindicationTag

PROVIDERS = (
    # username, first, last, discipline, credentials, description for the login list
    (
        "dr.lee",
        "Hannah",
        "Lee",
        Discipline.PAIN_MANAGEMENT,
        "MD, pain medicine",
        "Pain physician; leads Alex's and Sam's care teams; on call (/care/alerts/)",
    ),
    (
        "pt.morgan",
        "Jordan",
        "Morgan",
        Discipline.PHYSICAL_THERAPY,
        "DPT",
        "Physical therapist on Alex's team (edits the physical therapy section)",
    ),
    (
        "mh.rivera",
        "Priya",
        "Rivera",
        Discipline.MENTAL_HEALTH,
        "PsyD, clinical psychologist",
        "Mental-health professional on Alex's team (reads psychotherapy notes)",
    ),
    (
        "dr.shah",
        "Arjun",
        "Shah",
        Discipline.PAIN_MANAGEMENT,
        "MD, pain medicine",
        "Pain physician on no team: sees no plans, can start new ones",
    ),
)


@dataclass
class Item:
    """A goal (``goal=True``) or an activity for one section."""

    fields: dict
    goal: bool = False


@dataclass
class DemoPlan:
    patient: dict
    plan: dict
    precautions: list[tuple[str, tuple[str, ...]]]  # text, names of tags it rules out
    sections: dict[str, list[Item]]
    members: list[tuple[str, str]] = field(default_factory=list)  # username, role
    team_notes: list[tuple[str, str]] = field(default_factory=list)  # username, text
    private_notes: list[tuple[str, str]] = field(default_factory=list)


def goal(description: str, **fields) -> Item:
    return Item({"description": description, **fields}, goal=True)


def activity(kind: str, title: str, **fields) -> Item:
    return Item({"kind": kind, "title": title, **fields})


# The team's own red-flag advice: the patient's page lists the urgent symptoms and says to
# call 999 above it, so this adds only what is particular to these patients.
RED_FLAGS = (
    "Call the clinic the same day if a flare is much worse than usual and does not ease "
    "with your flare plan within two days."
)

ALEX = DemoPlan(
    patient={
        "given_name": "Alex",
        "family_name": "Rivera-Kim",
        "date_of_birth": datetime.date(1994, 3, 12),
        "record_number": "NB-100234",
        "email": "alex.rivera-kim@example.org",
    },
    plan={
        "title": "Lower back stability and pain plan",
        "period_start": datetime.date(2026, 9, 1),
        "period_end": datetime.date(2027, 3, 1),
        "conditions": "Hypermobile Ehlers-Danlos syndrome (hEDS)\n"
        "Chronic lower back pain\nSacroiliac joint instability",
        "patient_summary": (
            "Your ligaments are looser than most people's, so the muscles around your spine "
            "have to do the job of holding it steady. This plan builds that muscle support "
            "step by step, calms the current pain so you can train, and gives you ways to "
            "cope on bad days. Strength and control come first; stretching further does "
            "not help loose joints and can make pain worse."
        ),
        "red_flag_guidance": RED_FLAGS,
    },
    precautions=[
        (
            "No deep or end-range stretching, including yoga or Pilates poses that take a "
            "joint as far as it will go.",
            ("deep stretching", "deep or end-range stretching"),
        ),
        (
            "No high-impact loading for now: no running, jumping or heavy lifting.",
            ("high-impact loading", "high-impact exercise", "heavy lifting"),
        ),
        ("Change position every 30 minutes when sitting or standing for long periods.", ()),
    ],
    sections={
        Discipline.PAIN_MANAGEMENT: [
            goal(
                "Pain 4 out of 10 or less on most days",
                measure="Average daily pain on the 0–10 numeric rating scale",
                target="4 or less on 5 days out of 7",
                due_date=datetime.date(2026, 12, 15),
            ),
            activity(
                "procedure",
                "Epidural steroid injection, L5–S1",
                status="scheduled",
                scheduled_on=datetime.date(2026, 10, 14),
                schedule="One injection; review before any repeat",
                instructions=(
                    "Bring someone to drive you home. Keep taking your usual medicines "
                    "unless we have told you otherwise. Expect some soreness for a day or two."
                ),
            ),
            activity(
                "appointment",
                "Review with Dr Lee six weeks after the injection",
                status="not-started",
                scheduled_on=datetime.date(2026, 11, 25),
                instructions="Bring your pain diary so we can see what changed.",
            ),
            activity(
                "education",
                "Check for signs of autonomic symptoms at the next visit",
                status="not-started",
                visible_to_patient=False,
            ),
        ],
        Discipline.PHYSICAL_THERAPY: [
            goal(
                "Walk 30 minutes without a flare",
                measure="Continuous walking time without a flare the next day",
                target="30 minutes",
                due_date=datetime.date(2027, 1, 31),
            ),
            activity(
                "exercise",
                "Core stability exercises",
                status="in-progress",
                schedule="Daily, 10–15 minutes",
                instructions=(
                    "Dead bug, side-lying leg lifts and bridging as shown in clinic. Move "
                    "slowly, keep the movement small and stop before any pain builds."
                ),
            ),
            activity(
                "exercise",
                "Proprioception training",
                status="in-progress",
                schedule="Three times a week",
                instructions=(
                    "Stand on one leg next to a counter for 30 seconds, three times each "
                    "side. Hold on lightly; it is about control, not balance tricks."
                ),
            ),
            activity(
                "exercise",
                "Deep hamstring and lower-back stretching",
                status="stopped",
                do_not_perform=True,
                instructions=(
                    "Please do not do deep or end-range stretches. The tight feeling is your "
                    "muscles guarding loose joints, and stretching further makes them work "
                    "harder."
                ),
            ),
        ],
        Discipline.MENTAL_HEALTH: [
            goal(
                "Use a coping skill during most flares",
                measure="Flares where a coping skill was used (pain diary)",
                target="4 out of 5 flares",
            ),
            activity(
                "coping_strategy",
                "Paced breathing",
                status="in-progress",
                schedule="Twice a day and at the start of a flare",
                instructions="Breathe in for 4, out for 6, for five minutes.",
            ),
            activity(
                "coping_strategy",
                "Pacing plan: same amount on good and bad days",
                status="in-progress",
                instructions=(
                    "Use the activity baseline we set together. On good days stop at the "
                    "baseline; on bad days do a little, not nothing."
                ),
            ),
            activity(
                "coping_strategy",
                "CBT skills: catching and testing worst-case thoughts",
                status="scheduled",
                schedule="Weekly sessions for eight weeks",
            ),
        ],
    },
    members=[("pt.morgan", TeamRole.PHYSICAL_THERAPY), ("mh.rivera", TeamRole.MENTAL_HEALTH)],
    team_notes=[
        (
            "dr.lee",
            "Injection booked for 14 October. Please keep loading steady in the two weeks "
            "after it; no progression until the review.",
        ),
        (
            "pt.morgan",
            "Good control in side-lying work. Still tends to lock knees when standing; "
            "added cueing to the proprioception set.",
        ),
    ],
    private_notes=[
        (
            "mh.rivera",
            "Session 3. Worry about losing work is the main driver of boom-and-bust days. "
            "Agreed to try a fixed baseline for two weeks.",
        )
    ],
)

SAM = DemoPlan(
    patient={
        "given_name": "Sam",
        "family_name": "Ortiz",
        "date_of_birth": datetime.date(1987, 11, 2),
        "record_number": "NB-100871",
        "email": "sam.ortiz@example.org",
    },
    plan={
        "title": "Hypermobility back pain: first steps",
        "period_start": datetime.date(2026, 10, 1),
        "conditions": "Hypermobility spectrum disorder (HSD)\nMechanical lower back pain",
        "patient_summary": (
            "Your back pain comes from joints that move more than they should. We will start "
            "with gentle strength work and better lifting habits, and look at whether an "
            "injection could help break the pain cycle so the exercise can work."
        ),
        "red_flag_guidance": RED_FLAGS,
    },
    precautions=[
        (
            "No high-impact loading: avoid lifting heavy boxes at work until reviewed.",
            ("high-impact loading", "heavy lifting"),
        ),
    ],
    sections={
        Discipline.PAIN_MANAGEMENT: [
            goal(
                "Pain 4 out of 10 or less during a working day",
                measure="Worst pain at work on the 0–10 numeric rating scale",
                target="4 or less",
            ),
            activity(
                "appointment",
                "Discuss radiofrequency ablation or prolotherapy",
                status="not-started",
                instructions="We will talk through both options and what to expect.",
            ),
        ],
        Discipline.PHYSICAL_THERAPY: [
            activity(
                "education",
                "Lifting habits: load close, hips and knees bent",
                status="not-started",
                instructions="Keep the load close to your body and turn with your feet.",
            ),
        ],
    },
    team_notes=[
        (
            "dr.lee",
            "Referral to physical therapy sent; will add a physical therapist to the team.",
        )
    ],
)


DEMO_PLANS = (ALEX, SAM)
# Providers in the "On call" group: they read the clinic's red-flag alerts at /care/alerts/.
ON_CALL = ("dr.lee",)


def ensure_providers(*, reset: bool = False) -> tuple[dict[str, object], list[str]]:
    """The provider logins by username, and the usernames set up now (created or reset)."""
    users: dict[str, object] = {}
    set_up = []
    with_profile = set(
        Provider.objects.filter(user__username__in=[row[0] for row in PROVIDERS]).values_list(
            "user__username", flat=True
        )
    )
    for username, first, last, discipline, credentials, _ in PROVIDERS:
        user, fresh = demo_user(username, first_name=first, last_name=last, reset=reset)
        if fresh or username not in with_profile:
            create_provider(user, discipline=discipline, credentials=credentials)
        if fresh:
            set_up.append(username)
            if username in ON_CALL:
                user.groups.add(Group.objects.get_or_create(name=ON_CALL_GROUP)[0])
        users[username] = user
    return users, set_up


def remove_demo_patients() -> int:
    """Delete the demo patients, their plans and all that hangs off them; the audit trail,
    which names them by id only, keeps their history and records the deletion."""
    record_numbers = [demo.patient["record_number"] for demo in DEMO_PLANS]
    patients = list(Patient.objects.filter(record_number__in=record_numbers))
    plans = list(CarePlan.objects.filter(patient__in=patients))
    detail = {"reason": "demo rebuilt (manage.py seed_demo --reset)"}
    record_events(
        None,
        [EventSpec(AuditAction.DELETED, plan, plan=plan, detail=detail) for plan in plans]
        + [EventSpec(AuditAction.DELETED, p, patient=p, detail=detail) for p in patients],
    )
    EmergencyAccess.objects.filter(plan__in=plans).delete()
    CarePlan.objects.filter(pk__in=[plan.pk for plan in plans]).delete()
    Patient.objects.filter(pk__in=[patient.pk for patient in patients]).delete()
    return len(patients)


def find_tag(names: tuple[str, ...]) -> ContraindicationTag | None:
    for name in names:
        tag = ContraindicationTag.objects.filter(name__iexact=name).first()
        if tag is not None:
            return tag
    return None


def build_plan(demo: DemoPlan, users: dict[str, object]) -> CarePlan | None:
    """Create the patient and plan, unless the patient already has a plan (edited or not)."""
    lead = users["dr.lee"]
    patient = Patient.objects.filter(record_number=demo.patient["record_number"]).first()
    if patient is None:
        patient = create_patient(lead, **demo.patient)
    elif patient.care_plans.exists():
        return None
    # Started as a draft and then made active, so the plan's history has a change in it.
    plan = create_care_plan(lead, patient, **demo.plan)
    update_plan(plan, lead, plan.version, status="active")
    for text, tag_names in demo.precautions:
        add_precaution(plan, lead, description=text, avoid_tag=find_tag(tag_names))
    for username, role in demo.members:
        add_member(plan, lead, users[username], role)
    sections = {section.discipline: section for section in PlanSection.objects.filter(plan=plan)}
    for discipline, items in demo.sections.items():
        author = next((users[name] for name, role in demo.members if role == discipline), lead)
        for item in items:
            create = create_goal if item.goal else create_activity
            create(sections[discipline], author, **item.fields)
    for username, text in demo.team_notes:
        add_team_note(plan, users[username], text)
    for username, text in demo.private_notes:
        add_private_note(plan, users[username], text)
    return plan


def seed_care_teams(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    users, set_up = ensure_providers(reset=reset)
    stdout.write(
        f"Provider logins: {len(set_up)} {'restored' if reset else 'created'}, "
        f"{len(PROVIDERS) - len(set_up)} kept as they are.\n"
    )
    if reset:
        stdout.write(f"Demo patients: {remove_demo_patients()} deleted, to be built again.\n")
    for demo in DEMO_PLANS:
        plan = build_plan(demo, users)
        name = f"{demo.patient['given_name']} {demo.patient['family_name']}"
        stdout.write(f"Care plan for {name}: {'created' if plan else 'kept as it is'}.\n")
    return [(username, description) for username, *_, description in PROVIDERS]
