"""Search and read of what the patient reported: pain scores (check-ins) and questionnaire
totals as Observations, questionnaire answers as QuestionnaireResponses.

A patient reads all their own reports; anyone else only those the patient shared with a
plan they may see (``CheckIn.plans``, ``QuestionnaireResult.plans``, as on the team's plan
page), each seen through the first such plan. A mental-health questionnaire comes masked
(only that it was done and its band) unless the reader may see its results through that
plan (``PlanAction.VIEW_MENTAL_HEALTH_RESULTS``, asked in the same query: such a plan is
preferred). One query per kind of report looked in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Value

from api.services.readers import Reader, mental_health_result_plans, readable_plans
from careteam.models import CarePlan
from patientportal.models import CheckIn, QuestionnaireResult
from questionnaires.instruments import INSTRUMENTS

from ..resources.observation import pain_observation, questionnaire_observation
from ..resources.questionnaire_response import questionnaire_response_resource
from .reader import Found


@dataclass(frozen=True)
class ReportKind:
    model: type[CheckIn] | type[QuestionnaireResult]
    link: str  # the report's field on the model's ``plans`` link table
    newest_first: tuple[str, ...]
    # Whether some of its reports are shown in full only through some plans.
    masked_by_plan: bool = False


CHECK_INS = ReportKind(CheckIn, "checkin", ("-recorded_at", "-pk"))
QUESTIONNAIRE_RESULTS = ReportKind(
    QuestionnaireResult, "questionnaireresult", ("-completed_at", "-pk"), masked_by_plan=True
)


# LOINC code of a total -> the instrument's code, for each instrument that has one.
CODED_TOTALS: dict[str, str] = {
    instrument.total_code.code: code
    for code, instrument in INSTRUMENTS.items()
    if instrument.total_code is not None
}


@dataclass(frozen=True)
class Filters:
    plans: QuerySet[CarePlan] | None = None  # only those shared with these plans
    patient_id: int | None = None
    pk: int | None = None
    instruments: Iterable[str] | None = None  # questionnaire results of these only


@dataclass(frozen=True)
class Report:
    """A report the reader may see, the plan they see it through (None: their own), and
    whether they may see all of it (a questionnaire's total and answers)."""

    row: Any
    plan: CarePlan | None
    full: bool = True


def _own(reader: Reader, kind: ReportKind, filters: Filters) -> list[Report]:
    assert reader.patient is not None
    if filters.patient_id not in (None, reader.patient.pk):
        return []
    rows = kind.model.objects.filter(patient=reader.patient)
    if filters.pk is not None:
        rows = rows.filter(pk=filters.pk)
    if filters.instruments is not None:
        rows = rows.filter(instrument__in=list(filters.instruments))
    plans = filters.plans
    if plans is not None:
        rows = rows.filter(plans__in=plans.values("pk")).distinct()
    return [Report(report, None) for report in rows.order_by(*kind.newest_first)]


def _shared(reader: Reader, kind: ReportKind, filters: Filters) -> list[Report]:
    plans = readable_plans(reader) if filters.plans is None else filters.plans
    rows = kind.model.plans.through.objects.filter(careplan__in=plans.values("pk"))
    if filters.patient_id is not None:
        rows = rows.filter(**{f"{kind.link}__patient_id": filters.patient_id})
    if filters.pk is not None:
        rows = rows.filter(**{f"{kind.link}_id": filters.pk})
    if filters.instruments is not None:
        rows = rows.filter(**{f"{kind.link}__instrument__in": list(filters.instruments)})
    full = (
        Exists(mental_health_result_plans(reader).filter(pk=OuterRef("careplan_id")))
        if kind.masked_by_plan
        else Value(True)
    )
    order = [f"{kind.link}__{field.lstrip('-')}" for field in kind.newest_first]
    rows = (
        rows.annotate(full=full)
        .select_related(kind.link, "careplan")
        .order_by(*(f"-{field}" for field in order), "-full", "careplan_id")
    )
    first: dict[int, Report] = {}
    for row in rows:
        report = getattr(row, kind.link)
        first.setdefault(report.pk, Report(report, row.careplan, row.full))
    return list(first.values())


def reports(reader: Reader, kind: ReportKind, filters: Filters) -> list[Report]:
    """The reader's reports of ``kind`` (newest first) with the plan each is seen through."""
    return _own(reader, kind, filters) if reader.is_patient else _shared(reader, kind, filters)


def _masked(report: Report) -> bool:
    return report.row.definition.sensitive and not report.full


def pain_observations(reader: Reader, filters: Filters) -> list[Found]:
    return [
        Found(pain_observation(report.row), report.plan)
        for report in reports(reader, CHECK_INS, filters)
    ]


def questionnaire_observations(reader: Reader, filters: Filters) -> list[Found]:
    """The totals of the instruments LOINC has a code for (the PSFS has none)."""
    if filters.instruments is None:
        filters = replace(filters, instruments=CODED_TOTALS.values())
    found = []
    for report in reports(reader, QUESTIONNAIRE_RESULTS, filters):
        resource = questionnaire_observation(report.row, masked=_masked(report))
        if resource is not None:
            found.append(Found(resource, report.plan))
    return found


def questionnaire_responses(reader: Reader, filters: Filters) -> list[Found]:
    return [
        Found(questionnaire_response_resource(report.row, masked=_masked(report)), report.plan)
        for report in reports(reader, QUESTIONNAIRE_RESULTS, filters)
    ]
