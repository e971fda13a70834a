"""Each resource type's search and read, from the request's raw parameters.

    found = search("Goal", reader, {"patient": "Patient/3"})    # list[Found]
    one = read("Goal", reader, "12")                            # Found, or 404 (denied)

A search parameter that cannot be read is a ``ValidationError`` (400); a read of anything
the reader may not see (or that does not exist) is a 404 with a 'denied' audit event. The
caller audits what a search returns (``reader.record_search``); ``read`` audits itself
(``reader.record_read``, or ``reader.open_plan`` for a CarePlan or CareTeam).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from django.db.models import QuerySet

from api.services.readers import Reader, as_id
from careteam.models import CarePlan
from questionnaires.instruments import INSTRUMENTS

from ..resources.codes import LOINC, PAIN_SEVERITY
from ..resources.references import PAIN_PREFIX, questionnaire_prefix
from . import plan_resources as plans_
from . import report_resources as reports_
from .params import codes_matching, prefixed_id, reference_id, tokens
from .reader import Found, open_plan, record_read, refuse

Params = Mapping[str, str]
# What each search accepts (anything else is ignored, as FHIR's lenient handling allows,
# and left out of the Bundle's self link).
SEARCH_PARAMETERS: dict[str, tuple[str, ...]] = {
    "Patient": ("_id",),
    "CarePlan": ("_id", "patient", "status"),
    "CareTeam": ("_id", "patient"),
    "Goal": ("_id", "patient"),
    "Observation": ("patient", "code"),
    "QuestionnaireResponse": ("patient",),
}


def _id(params: Params) -> int | None:
    """``_id``: a value that cannot be an id matches nothing (-1 is never a row's id)."""
    if "_id" not in params:
        return None
    return as_id(params["_id"]) or -1


def _patient(params: Params) -> int | None:
    return reference_id(params.get("patient"), "Patient", "patient")


def _plans(
    reader: Reader, params: Params, *, plan_id: int | None = None, statuses: list[str] | None = None
) -> QuerySet[CarePlan]:
    return plans_.plans_matching(
        reader, plan_id=plan_id, patient_id=_patient(params), statuses=statuses
    )


def _patients(reader: Reader, params: Params) -> list[Found]:
    wanted = _id(params)
    if reader.patient is not None:
        own = reader.patient
        return [] if wanted not in (None, own.pk) else [plans_.own_patient(own)]
    plans = plans_.plans_matching(reader, patient_id=wanted)
    return plans_.patient_resources(plans)


def _careplans(reader: Reader, params: Params) -> list[Found]:
    statuses = tokens(params.get("status"))
    plans = _plans(
        reader,
        params,
        plan_id=_id(params),
        statuses=None if statuses is None else [token.code for token in statuses],
    )
    return plans_.careplan_resources(reader, plans)


def _careteams(reader: Reader, params: Params) -> list[Found]:
    return plans_.careteam_resources(_plans(reader, params, plan_id=_id(params)))


def _goals(reader: Reader, params: Params) -> list[Found]:
    return plans_.goal_resources(reader, _plans(reader, params), goal_id=_id(params))


def _observations(reader: Reader, params: Params) -> list[Found]:
    asked = tokens(params.get("code"))
    codes = codes_matching(asked, LOINC, [PAIN_SEVERITY.code, *reports_.CODED_TOTALS])
    filters = reports_.Filters(patient_id=_patient(params))
    found = reports_.pain_observations(reader, filters) if PAIN_SEVERITY.code in codes else []
    instruments = [reports_.CODED_TOTALS[code] for code in codes if code != PAIN_SEVERITY.code]
    if instruments:
        found += reports_.questionnaire_observations(
            reader, replace(filters, instruments=instruments)
        )
    return found


def _questionnaire_responses(reader: Reader, params: Params) -> list[Found]:
    return reports_.questionnaire_responses(reader, reports_.Filters(patient_id=_patient(params)))


SEARCHES: dict[str, Callable[[Reader, Params], list[Found]]] = {
    "Patient": _patients,
    "CarePlan": _careplans,
    "CareTeam": _careteams,
    "Goal": _goals,
    "Observation": _observations,
    "QuestionnaireResponse": _questionnaire_responses,
}


def search(resource_type: str, reader: Reader, params: Params) -> list[Found]:
    return SEARCHES[resource_type](reader, params)


def _read_plan(resource_type: str, reader: Reader, resource_id: str) -> Found:
    plan = open_plan(reader, resource_id, what=f"fhir {resource_type} read")
    plans = CarePlan.objects.filter(pk=plan.pk)
    if resource_type == "CareTeam":
        return plans_.careteam_resources(plans)[0]
    return plans_.careplan_resources(reader, plans)[0]


def _questionnaire_filters(resource_id: str) -> reports_.Filters | None:
    """``phq9-40``: the result 40, if it is a PHQ-9; None for an id of no questionnaire."""
    for code in INSTRUMENTS:
        pk = prefixed_id(resource_id, questionnaire_prefix(code))
        if pk is not None:
            return reports_.Filters(pk=pk, instruments=[code])
    return None


def _read_report(reader: Reader, resource_id: str) -> list[Found]:
    pain = prefixed_id(resource_id, PAIN_PREFIX)
    if pain is not None:
        return reports_.pain_observations(reader, reports_.Filters(pk=pain))
    filters = _questionnaire_filters(resource_id)
    return [] if filters is None else reports_.questionnaire_observations(reader, filters)


def read(resource_type: str, reader: Reader, resource_id: str) -> Found:
    """One resource the reader may see, its read audited; else 404 (audited as denied)."""
    if resource_type in ("CarePlan", "CareTeam"):
        return _read_plan(resource_type, reader, resource_id)
    if resource_type == "Observation":
        found = _read_report(reader, resource_id)
    elif resource_type == "QuestionnaireResponse":
        filters = _questionnaire_filters(resource_id)
        found = [] if filters is None else reports_.questionnaire_responses(reader, filters)
    else:
        found = search(resource_type, reader, {"_id": resource_id})
    what = f"fhir {resource_type} read"
    if not found:
        raise refuse(reader, what, resource_id)
    record_read(reader, found[0], what=what)
    return found[0]
