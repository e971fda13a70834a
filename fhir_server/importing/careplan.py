"""The CarePlan entry read back into the plan's fields, its activities and precautions (the
inverse of ``fhir_server.resources.careplan``).

- ``status`` and ``intent`` are required and must be in their value sets; the new plan is a
  draft whatever ``status`` says;
- ``title`` is required (our plans have one); ``description`` is the summary for the
  patient; ``period`` its dates; ``addresses`` the conditions, by name (``display``): we
  keep no Condition resources, so a reference to one is refused;
- each ``activity`` is an ``activity.detail`` (``activity.reference`` is not imported):
  ``code`` needs the clinic's activity kind and the title as ``text``; its ``status`` must
  be one we store; ``doNotPerform``, ``description`` (the instructions) and a schedule as
  ``scheduledString`` or ``scheduledPeriod.start`` (a date);
- each ``note`` must be a precaution ("Precaution: ..."), the only note a plan exports:
  any other would be lost, so it is refused.
"""

from __future__ import annotations

from typing import Any

from careteam.models import Activity, ActivityKind, ActivityStatus, CarePlan, Discipline

from ..resources.careplan import PRECAUTION_NOTE_PREFIX
from ..resources.codes import (
    ACTIVITY_KIND_SYSTEM,
    CAREPLAN_INTENTS,
    CAREPLAN_STATUSES,
    DISCIPLINE_SYSTEM,
    SECTION_EXTENSION,
)
from .elements import Element
from .issues import CODE_INVALID, NOT_SUPPORTED, REQUIRED, VALUE
from .spec import LEAD_SECTION

KIND_SYSTEMS = {ACTIVITY_KIND_SYSTEM: {kind.value: kind.value for kind in ActivityKind}}
SECTION_SYSTEMS = {
    DISCIPLINE_SYSTEM: {discipline.value: discipline.value for discipline in Discipline}
}
# care-plan-activity-status codes we do not store (a bookkeeping status of another system).
UNSTORED_ACTIVITY_STATUSES = frozenset({"unknown", "entered-in-error"})
UNIMPORTED_SCHEDULES = ("scheduledTiming",)


def _max(model: type[Activity] | type[CarePlan], field_name: str) -> int | None:
    return model._meta.get_field(field_name).max_length


def _coded(resource: Element, name: str, allowed: frozenset[str], what: str) -> str:
    code = resource.string(name, required=True)
    if code and code not in allowed:
        resource.issues.add(
            CODE_INVALID, f"{resource.path}.{name}", f"{code[:40]!r} is not a {what} code."
        )
    return code


def _conditions(plan: Element) -> str:
    names = []
    for condition in plan.objects("addresses"):
        if condition.has("reference"):
            condition.issues.add(
                NOT_SUPPORTED,
                f"{condition.path}.reference",
                "conditions are imported by name (display), not as Condition resources.",
            )
        name = condition.string("display", required=True)
        if name:
            names.append(name)
    return "\n".join(names)


def read_plan_fields(plan: Element) -> tuple[str, dict[str, Any]]:
    """The plan's title and its other fields for ``create_care_plan``."""
    _coded(plan, "status", CAREPLAN_STATUSES, "CarePlan status (request-status)")
    _coded(plan, "intent", CAREPLAN_INTENTS, "CarePlan intent (care-plan-intent)")
    title = plan.string("title", required=True, max_length=_max(CarePlan, "title"))
    period = plan.object("period")
    start, end = period.date("start"), period.date("end")
    if start and end and end < start:
        plan.issues.add(VALUE, f"{period.path}.end", "the plan cannot end before it starts.")
    return title, {
        "patient_summary": plan.string("description"),
        "period_start": start,
        "period_end": end,
        "conditions": _conditions(plan),
    }


def _activity_status(detail: Element) -> str:
    status = detail.string("status", required=True)
    if status in UNSTORED_ACTIVITY_STATUSES:
        detail.issues.add(
            NOT_SUPPORTED, f"{detail.path}.status", f"{status!r} is not a status we keep."
        )
    elif status and status not in ActivityStatus.values:
        detail.issues.add(
            CODE_INVALID, f"{detail.path}.status", f"{status[:40]!r} is not an activity status."
        )
    return status


def _schedule(detail: Element) -> dict[str, Any]:
    for name in UNIMPORTED_SCHEDULES:
        if detail.has(name):
            detail.issues.add(
                NOT_SUPPORTED,
                f"{detail.path}.{name}",
                "is not imported: give scheduledString or scheduledPeriod.start.",
            )
    period = detail.object("scheduledPeriod")
    if period.has("end"):
        detail.issues.add(
            NOT_SUPPORTED, f"{period.path}.end", "is not imported: an activity has one date."
        )
    return {
        "schedule": detail.string("scheduledString", max_length=_max(Activity, "schedule")),
        "scheduled_on": period.date("start"),
    }


def _section_discipline(detail: Element) -> str:
    """The discipline whose section takes the activity (``SECTION_EXTENSION``), else the
    lead's: another system's plan need not say."""
    for extension in detail.objects("extension"):
        if extension.string("url") == SECTION_EXTENSION:
            coding = extension.object("valueCoding", required=True)
            wrapped = Element({"coding": [coding.value]}, extension.path, extension.issues)
            disciplines = wrapped.codes(SECTION_SYSTEMS)
            return disciplines[0] if disciplines else LEAD_SECTION
    return LEAD_SECTION


def read_activity(activity: Element) -> dict[str, Any]:
    """One ``CarePlan.activity`` as ``create_activity``'s fields, and ``discipline``: the
    section it goes to."""
    if activity.has("reference"):
        activity.issues.add(
            NOT_SUPPORTED,
            f"{activity.path}.reference",
            "activities are imported from activity.detail, not from other resources.",
        )
    detail = activity.object("detail", required=True)
    code = detail.object("code", required=True)
    kinds = code.codes(KIND_SYSTEMS)
    if code.value is not None and not code.has("coding"):
        detail.issues.add(
            REQUIRED, f"{code.path}.coding", f"needs the activity's kind ({ACTIVITY_KIND_SYSTEM})."
        )
    return {
        "discipline": _section_discipline(detail),
        "kind": kinds[0] if kinds else "",
        "title": code.string("text", required=True, max_length=_max(Activity, "title")),
        "status": _activity_status(detail),
        "do_not_perform": detail.boolean("doNotPerform"),
        "instructions": detail.string("description"),
        **_schedule(detail),
    }


def read_precautions(plan: Element) -> list[str]:
    precautions = []
    for note in plan.objects("note"):
        text = note.string("text", required=True)
        if text and not text.startswith(PRECAUTION_NOTE_PREFIX):
            note.issues.add(
                NOT_SUPPORTED,
                f"{note.path}.text",
                f"only precautions are imported as notes (starting {PRECAUTION_NOTE_PREFIX!r}).",
            )
        elif text and not text.removeprefix(PRECAUTION_NOTE_PREFIX).strip():
            note.issues.add(REQUIRED, f"{note.path}.text", "the precaution says nothing.")
        elif text:
            precautions.append(text.removeprefix(PRECAUTION_NOTE_PREFIX).strip())
    return precautions
