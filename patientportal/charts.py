"""Trend charts drawn on the server as SVG, with a text summary and a table for every chart.

No JavaScript and no external assets: the markup prints, works without scripts and carries a
<title>/<desc> pair so screen readers announce what the picture shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from questionnaires.instruments import Instrument

# How far back a trend looks (the pain chart and the flares shaded on it).
TREND_WINDOW = timedelta(weeks=26)
WIDTH = 640
HEIGHT = 260
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
MARGIN_TOP = 16
MARGIN_BOTTOM = 40


@dataclass(frozen=True)
class TrendPoint:
    when: date
    value: int | Decimal  # a mean to one decimal place for some questionnaires


@dataclass(frozen=True)
class Span:
    """A stretch of days shaded behind a trend (a flare); ``end`` None: still going on."""

    start: date
    end: date | None = None

    @property
    def label(self) -> str:
        return span_label(self)


@dataclass(frozen=True)
class TrendChart:
    """Everything a template needs to show one trend: picture, summary and table rows, and
    the spans shaded behind it (flares), which the template lists too."""

    chart_id: str
    title: str
    value_label: str
    summary: str
    svg: SafeString
    points: tuple[TrendPoint, ...]
    spans: tuple[Span, ...] = ()

    @property
    def table_rows(self) -> SafeString:
        """The table's rows, a day and its value each (drawn here, not by a template loop:
        a chart holds up to half a year of daily points)."""
        return _table_rows(tuple(self.points), get_language())

    def recent_average(self, since: date) -> float | None:
        """The mean of the values on or after ``since``, to one decimal; None if none."""
        values = [point.value for point in self.points if point.when >= since]
        return round(sum(values) / len(values), 1) if values else None


@lru_cache(maxsize=4096)
def _formatted(value: date, style: str, language: str | None) -> str:
    return date_format(value, style)


def _short_date(value: date) -> str:
    return _formatted(value, "j M", get_language())


def _long_date(value: date) -> str:
    # A chart names each of its points' days twice (the point's title and the table) and the
    # same days on every request: each day is formatted once per language.
    return _formatted(value, "j F Y", get_language())


# A chart is drawn again only when what it shows changed: the same points draw the same
# markup, and the plan page shows the same charts to every member of the team. Each entry
# is one chart's markup (tens of KB at most), kept per process.
DRAWN_CHARTS = 256


@lru_cache(maxsize=DRAWN_CHARTS)
def _table_rows(points: tuple[TrendPoint, ...], language: str | None) -> SafeString:
    return format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        ((_long_date(point.when), point.value) for point in points),
    )


@lru_cache(maxsize=DRAWN_CHARTS)
def _drawn_svg(
    points: tuple[TrendPoint, ...],
    spans: tuple[Span, ...],
    chart_id: str,
    title: str,
    description: str,
    scale_max: int,
    y_ticks: tuple[int, ...],
    language: str | None,
) -> SafeString:
    return line_chart_svg(
        points,
        chart_id=chart_id,
        title=title,
        description=description,
        scale_max=scale_max,
        y_ticks=y_ticks,
        spans=spans,
    )


def span_label(span: Span, noun: str = "Flare") -> str:
    """ "Flare from 3 March 2026 to 5 March 2026", or "... (still going on)"."""
    if span.end is None:
        return f"{noun} from {_long_date(span.start)} (still going on)"
    if span.end == span.start:
        return f"{noun} on {_long_date(span.start)}"
    return f"{noun} from {_long_date(span.start)} to {_long_date(span.end)}"


def summarise(points: Sequence[TrendPoint], *, noun: str, scale_max: int) -> str:
    """One or two plain sentences that say what the chart shows."""
    if not points:
        return f"No {noun} recorded yet."
    first, latest = points[0], points[-1]
    values = [point.value for point in points]
    if len(points) == 1:
        return (
            f"One {noun} recorded, on {_long_date(first.when)}: {first.value} out of {scale_max}."
        )
    return (
        f"{len(points)} {noun} entries from {_long_date(first.when)} to "
        f"{_long_date(latest.when)}. First {first.value}, latest {latest.value}, "
        f"lowest {min(values)}, highest {max(values)} (out of {scale_max})."
    )


def line_chart_svg(
    points: Sequence[TrendPoint],
    *,
    chart_id: str,
    title: str,
    description: str,
    scale_max: int,
    y_ticks: Iterable[int],
    spans: Sequence[Span] = (),
) -> SafeString:
    """An SVG line chart of values between 0 and scale_max over time, oldest on the left,
    with ``spans`` shaded behind the line (the time axis stretches to show them)."""
    if not points:
        return mark_safe("")
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    start = min([points[0].when, *(span.start for span in spans)])
    end = max([points[-1].when, *(span.end or span.start for span in spans)])
    span_days = (end - start).days

    def x_for(when: date) -> str:
        if span_days == 0:
            return f"{MARGIN_LEFT + plot_width / 2:.1f}"
        return f"{MARGIN_LEFT + plot_width * (when - start).days / span_days:.1f}"

    def y_for(value: int | Decimal) -> str:
        clamped = min(max(value, 0), scale_max)
        return f"{MARGIN_TOP + plot_height * (1 - clamped / scale_max):.1f}"

    grid = format_html_join(
        "",
        '<line class="trend__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="trend__axis" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                y_for(tick),
                y_for(tick),
                MARGIN_LEFT - 8,
                f"{float(y_for(tick)) + 4:.1f}",
                tick,
            )
            for tick in y_ticks
        ),
    )
    shading = format_html_join(
        "",
        '<rect class="trend__span" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
        (
            (
                x_for(span.start),
                MARGIN_TOP,
                f"{max(float(x_for(span.end or end)) - float(x_for(span.start)), 4):.1f}",
                plot_height,
                span_label(span),
            )
            for span in spans
        ),
    )
    coordinates = [(x_for(point.when), y_for(point.value), point) for point in points]
    line = format_html(
        '<polyline class="trend__line" fill="none" points="{}"/>',
        " ".join(f"{x},{y}" for x, y, _ in coordinates),
    )
    dots = format_html_join(
        "",
        '<circle class="trend__point" cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
        ((x, y, _long_date(point.when), point.value) for x, y, point in coordinates),
    )
    baseline = HEIGHT - MARGIN_BOTTOM
    x_labels = format_html(
        '<text class="trend__axis" x="{}" y="{}" text-anchor="start">{}</text>',
        MARGIN_LEFT,
        baseline + 24,
        _short_date(start),
    )
    if span_days:
        x_labels += format_html(
            '<text class="trend__axis" x="{}" y="{}" text-anchor="end">{}</text>',
            WIDTH - MARGIN_RIGHT,
            baseline + 24,
            _short_date(end),
        )
    return format_html(
        '<svg class="trend__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '{}{}<line class="trend__baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        shading,
        grid,
        MARGIN_LEFT,
        WIDTH - MARGIN_RIGHT,
        baseline,
        baseline,
        line,
        dots,
        x_labels,
    )


def _build(
    points: Iterable[TrendPoint],
    *,
    chart_id: str,
    title: str,
    value_label: str,
    noun: str,
    scale_max: int,
    y_ticks: Iterable[int],
    spans: Iterable[Span] = (),
) -> TrendChart:
    ordered = tuple(sorted(points, key=lambda point: point.when))
    shaded = tuple(sorted(spans, key=lambda span: span.start))
    summary = summarise(ordered, noun=noun, scale_max=scale_max)
    if shaded and ordered:
        count = len(shaded)
        summary += f" Shaded: {count} flare{'s' if count != 1 else ''}."
    svg = _drawn_svg(
        ordered, shaded, chart_id, title, summary, scale_max, tuple(y_ticks), get_language()
    )
    return TrendChart(chart_id, title, value_label, summary, svg, ordered, shaded)


def pain_trend(
    points: Iterable[TrendPoint], *, chart_id: str = "pain-trend", flares: Iterable[Span] = ()
) -> TrendChart:
    """Pain on the 0-10 numeric rating scale (0 no pain, 10 worst imaginable), with the
    patient's ``flares`` shaded."""
    return _build(
        points,
        spans=flares,
        chart_id=chart_id,
        title="Pain score over time (0 = no pain, 10 = worst pain imaginable)",
        value_label="Pain score",
        noun="pain score",
        scale_max=10,
        y_ticks=range(0, 11, 2),
    )


def questionnaire_trend(
    instrument: Instrument,
    points: Iterable[TrendPoint],
    *,
    chart_id: str,
    for_patient: bool = False,
) -> TrendChart:
    """An instrument's totals over time, on its whole scale, saying which way is better
    (the PSFS rises as the patient improves, the others fall); ``for_patient``: in plain
    words (its title without the abbreviation), else by its short name for the team."""
    high = instrument.total_range[1]
    better = "higher" if instrument.higher_is_better else "lower"
    if for_patient:
        title = f"{instrument.plain_title}: your score over time (0 to {high}, {better} is better)"
        value_label, noun = "Your score", "score"
    else:
        title = f"{instrument.short_title} over time (0 to {high}, {better} is better)"
        value_label, noun = f"{instrument.short_title} score", f"{instrument.short_title} score"
    return _build(
        points,
        chart_id=chart_id,
        title=title,
        value_label=value_label,
        noun=noun,
        scale_max=high,
        y_ticks=range(0, high + 1, _tick_step(high)),
    )


def _tick_step(high: int) -> int:
    """A round step that puts at most six lines on a scale from 0 to ``high``."""
    return next(step for step in (1, 2, 5, 10, 20, 50) if high / step <= 6)
