"""Questionnaires the patient answers (any instrument of ``questionnaires``): scored by the
engine, stored once per submission, audited, shared with the plans current then; and the
trends the patient's and the team's pages chart from them. How to use:

    recorded = record_questionnaire(patient, user, PHQ9, answers, submission_key=key)
    recorded.stored    # the QuestionnaireResult
    recorded.scored    # the engine's Result: band, safety_items, band_alerts

The audit event says which instrument, the total and the band, never the item answers.
A PHQ-9 self-harm answer or a severe score raises its alert on each plan shared with in
``record_questionnaire``'s own transaction (``questionnaire_alerts``), so that a retried
submission (``submissions``) raises nothing twice; the crisis advice is the page's
(``views.my.questionnaire``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient
from questionnaires.answers import Answers, named_activities
from questionnaires.instruments import INSTRUMENTS, ActivityItem, Band, ChoiceItem, Instrument
from questionnaires.scoring import Result, safety_concerns, score

from ..charts import TrendChart, TrendPoint, questionnaire_trend
from ..models import QuestionnaireResult
from .errors import PortalAccessDenied
from .patients import current_plans_for_patient
from .questionnaire_alerts import raise_questionnaire_alerts
from .schedules import advance_schedules
from .submissions import Submission, store_once

# What a page reads of a result to chart it (never the item answers).
CHARTED_FIELDS = ("patient_id", "instrument", "completed_at", "total", "band")


@dataclass(frozen=True)
class Recorded:
    """A questionnaire as stored (or as stored the first time this submission was sent),
    and the engine's score of its answers."""

    stored: QuestionnaireResult
    scored: Result

    @property
    def safety_fired(self) -> bool:
        return self.scored.safety_fired


def record_questionnaire(
    patient: Patient,
    user,
    instrument: Instrument,
    answers: Answers,
    *,
    submission_key: uuid.UUID | None = None,
) -> Recorded:
    """Score and keep the patient's answers to ``instrument`` (raises the engine's
    ``ScoringError`` when they cannot be scored). ``submission_key``: the form's one-time
    key; sent again, the result stored the first time is returned (``submissions``)."""
    if patient.user_id != user.pk:
        raise PortalAccessDenied("Patients can only answer for themselves.")
    scored = score(instrument, answers)
    kept = {key: answers.get(key) for key in instrument.item_keys}
    submission = Submission.of(submission_key, {"instrument": instrument.code, "answers": kept})

    def store() -> QuestionnaireResult:
        with transaction.atomic():
            result = QuestionnaireResult.objects.create(
                patient=patient,
                instrument=instrument.code,
                completed_at=timezone.now(),
                answers=kept,
                total=Decimal(scored.total),
                band=scored.band.label if scored.band is not None else "",
                answered=scored.answered,
                safety_fired=scored.safety_fired,
                **submission.fields(),
            )
            plans = list(current_plans_for_patient(patient))
            result.plans.set(plans)
            record_event(
                user, AuditAction.CREATED, result, patient=patient, detail=audit_detail(result)
            )
            raise_questionnaire_alerts(result, user, plans, scored)
            # The schedules this result does move on, in the same transaction.
            advance_schedules(patient, instrument.code, result.completed_at)
        return result

    stored = store_once(
        patient.questionnaire_results.all(), submission, user, store, patient=patient
    )
    return Recorded(stored, scored)


def in_plain_words(recorded: Recorded) -> str:
    """ "Thank you. Your score is 40 out of 100 (lower is better). <the band's words>" """
    instrument, band = recorded.scored.instrument, recorded.scored.band
    better = "higher" if instrument.higher_is_better else "lower"
    words = (
        f"Thank you. Your score is {recorded.stored.score} out of {instrument.total_range[1]} "
        f"({better} is better)."
    )
    return f"{words} {band.patient_text}" if band is not None else words


def audit_detail(result: QuestionnaireResult) -> dict[str, Any]:
    """What the audit trail keeps of a result: never the answers."""
    return {"instrument": result.instrument, "total": as_number(result.score), "band": result.band}


def as_number(value: int | Decimal) -> int | float:
    """A score as a JSON number (a whole number stays one)."""
    return value if isinstance(value, int) else float(value)


@dataclass(frozen=True)
class AnsweredItem:
    """One item of a stored result as the team reads it: "9. <the question>", the answer's
    words, and whether it set off a safety item."""

    question: str
    answer: str
    safety: bool


def answered_items(result: QuestionnaireResult) -> list[AnsweredItem]:
    """The result's item answers in the instrument's order. Mental-health answers: show
    them only to a reader the policy lets see them (``VIEW_MENTAL_HEALTH_RESULTS``)."""
    instrument = result.definition
    fired = {safety.item_key for safety in safety_concerns(instrument, result.answers)}
    lines = []
    for number, item in enumerate(instrument.items, start=1):
        value = result.answers.get(item.key)
        if value is None:
            words = "Not answered"
        elif isinstance(item, ChoiceItem):
            words = next(
                (option.label for option in item.options if option.value == value), str(value)
            )
        elif isinstance(item, ActivityItem) and isinstance(value, Mapping):
            words = f"{value.get('name')}: {value.get('rating')}"
        else:
            words = str(value)
        lines.append(AnsweredItem(f"{number}. {item.text}", words, item.key in fired))
    return lines


def last_named_activities(patient: Patient, instrument: Instrument) -> list[str]:
    """The activities the patient named the last time they answered ``instrument`` (the
    PSFS), for the form to offer again; none for an instrument without activity items."""
    if not any(isinstance(item, ActivityItem) for item in instrument.items):
        return []
    latest = (
        patient.questionnaire_results.filter(instrument=instrument.code)
        .order_by("-completed_at", "-pk")
        .values_list("answers", flat=True)
        .first()
    )
    return named_activities(instrument, latest) if isinstance(latest, Mapping) else []


@dataclass(frozen=True)
class QuestionnaireTrend:
    """One instrument's results as a page shows them, newest first, with the chart of their
    totals; ``chart`` is None for a reader who may see only that it was done and its band."""

    instrument: Instrument
    results: list[QuestionnaireResult]
    chart: TrendChart | None

    @property
    def latest(self) -> QuestionnaireResult:
        return self.results[0]

    @property
    def latest_band(self) -> Band | None:
        """The latest total's band as the instrument words it now (``patient_text``)."""
        total = self.latest.score
        return self.instrument.band_for(total) if isinstance(total, int) else None


def questionnaire_trends(
    results: Iterable[QuestionnaireResult],
    *,
    chart_prefix: str,
    for_patient: bool = False,
    shows_totals: Callable[[Instrument], bool] = lambda instrument: True,
) -> list[QuestionnaireTrend]:
    """The results (newest first) grouped by instrument, in the registry's order; an
    instrument nobody answered is left out. ``shows_totals(instrument)``: whether the reader
    may see that instrument's totals (the team's plan page asks the policy)."""
    by_code: dict[str, list[QuestionnaireResult]] = {}
    for result in results:
        by_code.setdefault(result.instrument, []).append(result)
    trends = []
    for code, instrument in INSTRUMENTS.items():
        rows = by_code.get(code)
        if not rows:
            continue
        chart = None
        if shows_totals(instrument):
            chart = questionnaire_trend(
                instrument,
                (TrendPoint(timezone.localdate(row.completed_at), row.score) for row in rows),
                chart_id=f"{chart_prefix}-{code}",
                for_patient=for_patient,
            )
        trends.append(QuestionnaireTrend(instrument, rows, chart))
    return trends


def patient_questionnaire_trends(patient: Patient) -> list[QuestionnaireTrend]:
    """Every instrument the patient answered, charted in their words (one query)."""
    rows = patient.questionnaire_results.only(*CHARTED_FIELDS).order_by("-completed_at", "-pk")
    return questionnaire_trends(rows, chart_prefix="my-questionnaire", for_patient=True)
