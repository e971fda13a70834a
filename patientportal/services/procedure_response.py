"""What the team makes of procedure follow-ups (``procedure_followups``): each procedure's
answers against the patient's pain before it (``baseline``) and the clinic's threshold for
a positive response (``PROCEDURE_POSITIVE_RELIEF_PERCENT``), with a plain verdict and a
chart. Read in two queries for the whole plan, however many procedures it holds.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from careteam.models import CarePlan

from ..models import CheckIn, ProcedureFollowUp
from ..models.procedure_followups import offset_label
from ..procedure_charts import ResponsePoint, response_chart_svg
from .procedure_followups import follow_up_days, procedure_label

# The check-ins before a procedure that say how bad the pain was without it.
BASELINE_DAYS = 14


class VerdictKind:
    POSITIVE = "positive"
    BELOW = "below"
    WAITING = "waiting"


@dataclass(frozen=True)
class Verdict:
    kind: str  # VerdictKind
    text: str


@dataclass(frozen=True)
class Baseline:
    """The patient's pain before the procedure: the median of their check-ins in the
    ``BASELINE_DAYS`` days before the day it was done (that day not included)."""

    median: Decimal | None
    check_ins: int

    @property
    def label(self) -> str:
        if self.median is None:
            return "No baseline: no check-ins in the 14 days before"
        count = f"{self.check_ins} check-in{'s' if self.check_ins != 1 else ''}"
        return f"{self.median} out of 10 (median of {count} in the {BASELINE_DAYS} days before)"


@dataclass(frozen=True)
class ProcedureResponse:
    """One procedure done, its follow-ups (answered or still to come) and what they say."""

    key: str  # for element ids
    procedure_label: str
    title: str
    done_on: datetime.date
    follow_ups: tuple[ProcedureFollowUp, ...]
    baseline: Baseline
    verdict: Verdict
    threshold: int
    chart_svg: SafeString
    chart_title: str
    chart_summary: str

    @property
    def answered(self) -> list[ProcedureFollowUp]:
        return [row for row in self.follow_ups if row.is_answered]


def positive_threshold() -> int:
    return int(settings.PROCEDURE_POSITIVE_RELIEF_PERCENT)


def baseline_from(pain_scores: Iterable[int]) -> Baseline:
    scores = list(pain_scores)
    if not scores:
        return Baseline(None, 0)
    median = Decimal(str(statistics.median(scores))).quantize(Decimal("0.1"))
    return Baseline(median.normalize() if median == median.to_integral() else median, len(scores))


def baseline_window(
    done_on: datetime.date, zone: datetime.tzinfo
) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments the baseline's check-ins fall between: the start of the day
    ``BASELINE_DAYS`` before ``done_on``, up to (not including) the start of ``done_on``,
    on the patient's calendar (``zone``)."""
    start = datetime.datetime.combine(
        done_on - datetime.timedelta(days=BASELINE_DAYS), datetime.time.min, tzinfo=zone
    )
    end = datetime.datetime.combine(done_on, datetime.time.min, tzinfo=zone)
    return start, end


def baseline_for(
    done_on: datetime.date,
    check_ins: Sequence[tuple[datetime.datetime, int]],
    zone: datetime.tzinfo,
) -> Baseline:
    """The baseline of a procedure done on ``done_on``, from (recorded_at, pain) pairs."""
    start, end = baseline_window(done_on, zone)
    return baseline_from(score for at, score in check_ins if start <= at < end)


def verdict_for(rows: Sequence[ProcedureFollowUp], threshold: int) -> Verdict:
    """What the latest answer says against ``threshold`` % relief: positive at or above
    it, else below it (saying when an earlier answer had reached it); waiting while no
    answer has come."""
    answered = sorted(
        ((row.day_offset, row.relief_percent) for row in rows if row.relief_percent is not None),
    )
    if not answered:
        return Verdict(VerdictKind.WAITING, "Waiting for answers")
    latest_day, latest = answered[-1]
    if latest >= threshold:
        return Verdict(
            VerdictKind.POSITIVE, f"Positive response: {latest} % relief {_at(latest_day)}"
        )
    text = f"Below the {threshold} % threshold: {latest} % relief {_at(latest_day)}"
    reached = [(day, relief) for day, relief in answered if relief >= threshold]
    if reached:
        best_day, best = max(reached, key=lambda answer: (answer[1], -answer[0]))
        text += f" (it was {best} % {_at(best_day)})"
    return Verdict(VerdictKind.BELOW, text)


def _at(day: int) -> str:
    return "on the same day" if day == 0 else f"at {offset_label(day)}"


def _group_key(row: ProcedureFollowUp) -> str:
    if row.activity_id is not None:
        return f"activity-{row.activity_id}"
    return f"removed-{row.procedure}-{row.done_on:%Y%m%d}"


def plan_follow_ups(plan: CarePlan) -> list[ProcedureFollowUp]:
    """The plan's follow-ups that count (answered, or still to be answered), one query."""
    return list(
        ProcedureFollowUp.objects.filter(plan=plan)
        .live()
        .order_by("-done_on", "activity_id", "day_offset", "pk")
    )


def baseline_check_ins(
    plan: CarePlan, done_days: Iterable[datetime.date]
) -> list[tuple[datetime.datetime, int]]:
    """The (recorded_at, pain) of the check-ins shared with ``plan`` that some procedure's
    baseline may use, one query (none without procedures)."""
    days = list(done_days)
    if not days:
        return []
    zone = plan.patient.zone
    start, _ = baseline_window(min(days), zone)
    _, end = baseline_window(max(days), zone)
    return list(
        CheckIn.objects.filter(
            patient_id=plan.patient_id, plans=plan, recorded_at__gte=start, recorded_at__lt=end
        ).values_list("recorded_at", "pain_score")
    )


def procedure_responses(plan: CarePlan) -> list[ProcedureResponse]:
    """Each procedure on the plan with follow-ups, the latest done first: two queries
    (the plan read with its patient)."""
    rows = plan_follow_ups(plan)
    groups: dict[str, list[ProcedureFollowUp]] = {}
    for row in rows:
        groups.setdefault(_group_key(row), []).append(row)
    check_ins = baseline_check_ins(plan, {row.done_on for row in rows})
    threshold, zone = positive_threshold(), plan.patient.zone
    return [_response(key, members, check_ins, threshold, zone) for key, members in groups.items()]


def _response(
    key: str,
    rows: list[ProcedureFollowUp],
    check_ins: Sequence[tuple[datetime.datetime, int]],
    threshold: int,
    zone: datetime.tzinfo,
) -> ProcedureResponse:
    rows.sort(key=lambda row: (row.day_offset, row.pk))
    # Unanswered ones carry the day as it now is; an answer keeps the day it was asked for.
    current = [row for row in rows if row.is_open] or rows
    done_on = max(row.done_on for row in current)
    latest = current[-1]
    label = procedure_label(latest.procedure)
    baseline = baseline_for(done_on, check_ins, zone)
    verdict = verdict_for(rows, threshold)
    points = [
        ResponsePoint(row.day_offset, row.pain, row.relief_percent)
        for row in rows
        if row.pain is not None and row.relief_percent is not None
    ]
    title = f"{label} on {date_format(done_on, 'j F Y')}: pain and relief by days since"
    summary = _summary(points, baseline, verdict)
    svg = response_chart_svg(
        points,
        days=[row.day_offset for row in rows] or list(follow_up_days(latest.procedure)),
        baseline=baseline.median,
        threshold=threshold,
        chart_id=f"response-{key}",
        title=title,
        description=summary,
    )
    return ProcedureResponse(
        key=key,
        procedure_label=label,
        title=latest.activity_title,
        done_on=done_on,
        follow_ups=tuple(rows),
        baseline=baseline,
        verdict=verdict,
        threshold=threshold,
        chart_svg=svg,
        chart_title=title,
        chart_summary=summary,
    )


def _summary(points: Sequence[ResponsePoint], baseline: Baseline, verdict: Verdict) -> str:
    before = (
        f"Pain before: {baseline.median} out of 10."
        if baseline.median is not None
        else "No baseline."
    )
    if not points:
        return f"{before} No answers yet."
    answers = "; ".join(
        f"day {point.day}: pain {point.pain}, relief {point.relief_percent} %" for point in points
    )
    return f"{before} {answers}. {verdict.text}."
