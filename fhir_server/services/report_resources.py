"""Search and read of what the patient reported: pain scores (check-ins) and ODI results
as Observations, ODI answers as QuestionnaireResponses.

A patient reads all their own reports; anyone else only those the patient shared with a
plan they may see (``CheckIn.plans``, ``OdiResponse.plans``, as on the team's plan page),
each seen through the first such plan. One query per kind of report looked in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from api.services.readers import Reader, readable_plans
from careteam.models import CarePlan
from patientportal.models import CheckIn, OdiResponse

from ..resources.observation import odi_observation, pain_observation
from ..resources.questionnaire_response import questionnaire_response_resource
from .reader import Found


@dataclass(frozen=True)
class ReportKind:
    model: type[CheckIn] | type[OdiResponse]
    link: str  # the report's field on the model's ``plans`` link table
    newest_first: tuple[str, ...]


CHECK_INS = ReportKind(CheckIn, "checkin", ("-recorded_at", "-pk"))
ODI_RESPONSES = ReportKind(OdiResponse, "odiresponse", ("-completed_at", "-pk"))


@dataclass(frozen=True)
class Filters:
    plans: QuerySet[CarePlan] | None = None  # only those shared with these plans
    patient_id: int | None = None
    pk: int | None = None


def _own(reader: Reader, kind: ReportKind, filters: Filters) -> list[tuple[Any, CarePlan | None]]:
    assert reader.patient is not None
    if filters.patient_id not in (None, reader.patient.pk):
        return []
    rows = kind.model.objects.filter(patient=reader.patient)
    if filters.pk is not None:
        rows = rows.filter(pk=filters.pk)
    plans = filters.plans
    if plans is not None:
        rows = rows.filter(plans__in=plans.values("pk")).distinct()
    return [(report, None) for report in rows.order_by(*kind.newest_first)]


def _shared(
    reader: Reader, kind: ReportKind, filters: Filters
) -> list[tuple[Any, CarePlan | None]]:
    plans = readable_plans(reader) if filters.plans is None else filters.plans
    rows = kind.model.plans.through.objects.filter(careplan__in=plans.values("pk"))
    if filters.patient_id is not None:
        rows = rows.filter(**{f"{kind.link}__patient_id": filters.patient_id})
    if filters.pk is not None:
        rows = rows.filter(**{f"{kind.link}_id": filters.pk})
    order = [f"{kind.link}__{field.lstrip('-')}" for field in kind.newest_first]
    rows = rows.select_related(kind.link, "careplan").order_by(
        *(f"-{field}" for field in order), "careplan_id"
    )
    first: dict[int, tuple[Model, CarePlan | None]] = {}
    for row in rows:
        report = getattr(row, kind.link)
        first.setdefault(report.pk, (report, row.careplan))
    return list(first.values())


def reports(
    reader: Reader, kind: ReportKind, filters: Filters
) -> list[tuple[Any, CarePlan | None]]:
    """The reader's reports of ``kind`` (newest first) with the plan each is seen through."""
    return _own(reader, kind, filters) if reader.is_patient else _shared(reader, kind, filters)


def pain_observations(reader: Reader, filters: Filters) -> list[Found]:
    return [Found(pain_observation(row), plan) for row, plan in reports(reader, CHECK_INS, filters)]


def odi_observations(reader: Reader, filters: Filters) -> list[Found]:
    return [
        Found(odi_observation(row), plan) for row, plan in reports(reader, ODI_RESPONSES, filters)
    ]


def questionnaire_responses(reader: Reader, filters: Filters) -> list[Found]:
    return [
        Found(questionnaire_response_resource(row), plan)
        for row, plan in reports(reader, ODI_RESPONSES, filters)
    ]
