"""The team's charts of a programme, drawn on the server as SVG like the patient portal's
(``patientportal.charts``): a <title>/<desc> pair, a text summary and a table of the same
numbers beside each, no JavaScript.

- ``adherence_chart``: a bar a week, the percentage of prescribed sessions done;
- ``pain_during_chart``: the pain the patient felt during sessions, on the 0-10 scale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from patientportal.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    WIDTH,
    TrendChart,
    TrendPoint,
    line_chart_svg,
    summarise,
)

from .services.adherence import Week


@dataclass(frozen=True)
class AdherenceChart:
    chart_id: str
    title: str
    summary: str
    svg: SafeString
    weeks: tuple[Week, ...]


def _week_label(week: Week) -> str:
    return date_format(week.start, "j M")


def adherence_summary(weeks: Sequence[Week]) -> str:
    counted = [week for week in weeks if week.percent is not None]
    if not counted:
        return "No sessions prescribed yet."
    latest = counted[-1]
    average = round(sum(week.percent or 0 for week in counted) / len(counted))
    return (
        f"{len(counted)} week{'s' if len(counted) != 1 else ''} since the programme began. "
        f"This week (from {date_format(latest.start, 'j F')}) {latest.done_text} of "
        f"{latest.prescribed_text} sessions done ({latest.percent}%); "
        f"{average}% on average a week."
    )


def adherence_svg(weeks: Sequence[Week], *, chart_id: str, title: str, summary: str) -> SafeString:
    """A bar for each week's percentage (0-100), oldest on the left."""
    counted = [week for week in weeks if week.percent is not None]
    if not counted:
        return mark_safe("")
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / len(counted)
    bar = max(slot * 0.7, 2)
    baseline = HEIGHT - MARGIN_BOTTOM

    def y_for(percent: int) -> float:
        return MARGIN_TOP + plot_height * (1 - percent / 100)

    def at(value: float) -> str:
        """A coordinate as the SVG takes it (format_html escapes values, so no format codes)."""
        return f"{value:.1f}"

    grid = format_html_join(
        "",
        '<line class="trend__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="trend__axis" x="{}" y="{}" text-anchor="end">{}%</text>',
        (
            (
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                at(y_for(tick)),
                at(y_for(tick)),
                MARGIN_LEFT - 8,
                at(y_for(tick) + 4),
                tick,
            )
            for tick in range(0, 101, 25)
        ),
    )
    bars = format_html_join(
        "",
        '<rect class="adherence__bar" x="{}" y="{}" width="{}" height="{}">'
        "<title>Week of {}: {} of {} sessions ({}%)</title></rect>"
        '<text class="trend__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (
                at(MARGIN_LEFT + slot * index + (slot - bar) / 2),
                at(y_for(week.percent or 0)),
                at(bar),
                at(baseline - y_for(week.percent or 0)),
                date_format(week.start, "j F Y"),
                week.done_text,
                week.prescribed_text,
                week.percent,
                at(MARGIN_LEFT + slot * index + slot / 2),
                baseline + 24,
                _week_label(week) if len(counted) <= 12 or index % 2 == 0 else "",
            )
            for index, week in enumerate(counted)
        ),
    )
    return format_html(
        '<svg class="trend__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '{}<line class="trend__baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        summary,
        grid,
        MARGIN_LEFT,
        WIDTH - MARGIN_RIGHT,
        baseline,
        baseline,
        bars,
    )


def adherence_chart(weeks: Iterable[Week], *, chart_id: str = "adherence") -> AdherenceChart:
    weeks = tuple(weeks)
    title = "Sessions done of those prescribed, week by week (partly done counts half)"
    summary = adherence_summary(weeks)
    svg = adherence_svg(weeks, chart_id=chart_id, title=title, summary=summary)
    return AdherenceChart(chart_id, title, summary, svg, weeks)


def pain_during_chart(
    points: Iterable[TrendPoint], *, chart_id: str = "exercise-pain"
) -> TrendChart:
    """Pain during exercise sessions, 0-10, as the patient logged it."""
    ordered = tuple(sorted(points, key=lambda point: point.when))
    title = "Pain during exercise sessions (0 = no pain, 10 = worst pain imaginable)"
    summary = summarise(ordered, noun="pain-during-exercise score", scale_max=10)
    svg = line_chart_svg(
        ordered,
        chart_id=chart_id,
        title=title,
        description=summary,
        scale_max=10,
        y_ticks=range(0, 11, 2),
    )
    return TrendChart(chart_id, title, "Pain during exercise", summary, svg, ordered)
