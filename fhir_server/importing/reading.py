"""Read a whole transaction Bundle into a ``PlanSpec``, or refuse it with every issue.

    spec = read_bundle(data)      # data: the parsed JSON; raises BundleRefused

The Bundle holds one Patient (matched later by the clinic's record number, never created),
one CarePlan about that patient, the Goals the CarePlan lists (each about the same
patient) and at most one CareTeam, the one the CarePlan names: its members are not
imported (the importer leads the new plan and adds the team). Goals become the plan's
goals in the CarePlan's order; a Goal or CareTeam the CarePlan does not name is refused,
as nothing would say what it belongs to. No database is read here.
"""

from __future__ import annotations

from typing import Any

from ..resources.codes import MRN_SYSTEM
from .bundle import Entries, Entry, read_entries
from .careplan import read_activity, read_plan_fields, read_precautions
from .elements import Element
from .goal import read_goal
from .issues import BUSINESS_RULE, DUPLICATE, REQUIRED, TOO_LONG, Issues, refused
from .spec import GoalSpec, PlanSpec


def _record_number(patient: Element) -> str:
    numbers = [
        identifier.string("value", required=True)
        for identifier in patient.objects("identifier")
        if identifier.string("system") == MRN_SYSTEM
    ]
    if not numbers:
        patient.issues.add(
            REQUIRED,
            f"{patient.path}.identifier",
            f"needs the clinic's record number (an identifier with system {MRN_SYSTEM}).",
        )
    return numbers[0] if numbers else ""


def _goals(plan: Element, entries: Entries, patient: Entry | None) -> list[GoalSpec]:
    read: list[GoalSpec] = []
    seen: set[int] = set()
    for reference in plan.objects("goal"):
        entry = entries.resolve(reference, "Goal")
        if entry is None:
            continue
        if entry.index in seen:
            plan.issues.add(DUPLICATE, reference.path, "names the same Goal twice.")
            continue
        seen.add(entry.index)
        read.append(read_goal(entry, entries, patient))
    for entry in entries.of_type("Goal"):
        if entry.index not in seen:
            plan.issues.add(
                BUSINESS_RULE, entry.resource.path, "is not among the CarePlan's goals (goal)."
            )
    return read


def _care_team(plan: Element, entries: Entries) -> int | None:
    named = [entries.resolve(reference, "CareTeam") for reference in plan.objects("careTeam")]
    named_indexes = {entry.index for entry in named if entry is not None}
    for entry in entries.of_type("CareTeam"):
        if entry.index not in named_indexes:
            plan.issues.add(
                BUSINESS_RULE, entry.resource.path, "is not the CarePlan's team (careTeam)."
            )
    return min(named_indexes) if named_indexes else None


# The most goals and activities one import makes (each a checked, audited write in one
# transaction): a plan of care, not a bulk load.
MAX_ITEMS = 200


def _check_size(data: Any) -> None:
    entries = data.get("entry") if isinstance(data, dict) else None
    plans = [
        item.get("resource")
        for item in entries or []
        if isinstance(item, dict) and isinstance(item.get("resource"), dict)
    ]
    items = sum(1 if resource.get("resourceType") == "Goal" else 0 for resource in plans) + sum(
        len(resource.get("activity") or []) if isinstance(resource.get("activity"), list) else 0
        for resource in plans
        if resource.get("resourceType") == "CarePlan"
    )
    if isinstance(entries, list) and (len(entries) > MAX_ITEMS + 3 or items > MAX_ITEMS):
        raise refused(
            TOO_LONG,
            f"A Bundle may hold at most {MAX_ITEMS} goals and activities.",
            status=413,
            expression="Bundle.entry",
        )


def read_bundle(data: Any) -> PlanSpec:
    """The plan the Bundle asks for; ``BundleRefused`` listing every issue if any."""
    _check_size(data)
    issues = Issues()
    entries = read_entries(data, issues)
    patients, plans = entries.of_type("Patient"), entries.of_type("CarePlan")
    patient = patients[0] if patients else None
    record_number = _record_number(patient.resource) if patient else ""
    birth_date = patient.resource.date("birthDate") if patient else None
    if not plans:
        issues.refuse_if_any()
    plan_entry = plans[0]
    plan = plan_entry.resource
    subject = entries.resolve(plan.object("subject", required=True), "Patient")
    if subject is not None and subject is not patient:
        issues.add(BUSINESS_RULE, f"{plan.path}.subject", "is not the Bundle's patient.")
    title, fields = read_plan_fields(plan)
    goals = _goals(plan, entries, patient)
    care_team = _care_team(plan, entries)
    activities = [read_activity(activity) for activity in plan.objects("activity")]
    precautions = read_precautions(plan)
    issues.refuse_if_any()
    assert patient is not None  # a missing Patient is an issue, refused above
    return PlanSpec(
        entry_count=len(entries.entries),
        patient_entry=patient.index,
        record_number=record_number,
        birth_date=birth_date,
        plan_entry=plan_entry.index,
        title=title,
        fields=fields,
        care_team_entry=care_team,
        goals=goals,
        activities=activities,
        precautions=precautions,
    )
