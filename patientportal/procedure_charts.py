"""A procedure's response chart, drawn on the server as SVG like the trend charts
(``charts``): pain (0-10, left scale) and relief (0-100 %, right scale) by days since the
procedure, the pre-procedure pain baseline and the clinic's relief threshold as dashed
lines. The template shows the same numbers as a table (``includes/procedure_chart.html``).

The two scales share their grid (pain 2 = relief 20 %); the lines are told apart by their
marks (pain: circles, relief: squares), their dashes and a legend, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .charts import HEIGHT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_TOP, WIDTH

MARGIN_RIGHT = 48  # room for the relief scale
PLOT_WIDTH = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
PLOT_HEIGHT = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
PAIN_COLOUR = "#1d5c8a"
RELIEF_COLOUR = "#a8431a"


@dataclass(frozen=True)
class ResponsePoint:
    """One answered follow-up: its day after the procedure and the two answers."""

    day: int
    pain: int
    relief_percent: int


def _x(day: int, last_day: int) -> float:
    return MARGIN_LEFT + (PLOT_WIDTH * day / last_day if last_day else PLOT_WIDTH / 2)


def _y(fraction: float | Decimal) -> float:
    """Height for a fraction of the scale (0 at the bottom, 1 at the top)."""
    clamped = min(max(float(fraction), 0.0), 1.0)
    return MARGIN_TOP + PLOT_HEIGHT * (1 - clamped)


def _grid_lines() -> SafeString:
    rows = []
    for tick in range(0, 11, 2):
        y = _y(tick / 10)
        rows.append(
            format_html(
                '<line class="trend__grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
                '<text class="trend__axis" x="{}" y="{}" text-anchor="end">{}</text>'
                '<text class="trend__axis" x="{}" y="{}" text-anchor="start">{} %</text>',
                MARGIN_LEFT,
                WIDTH - MARGIN_RIGHT,
                f"{y:.1f}",
                f"{y:.1f}",
                MARGIN_LEFT - 8,
                f"{y + 4:.1f}",
                tick,
                WIDTH - MARGIN_RIGHT + 6,
                f"{y + 4:.1f}",
                tick * 10,
            )
        )
    return mark_safe("".join(rows))


def _day_labels(days: Sequence[int], last_day: int) -> SafeString:
    bottom = HEIGHT - MARGIN_BOTTOM
    return format_html_join(
        "",
        '<text class="trend__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((f"{_x(day, last_day):.1f}", bottom + 18, day) for day in days),
    ) + format_html(
        '<text class="trend__axis" x="{}" y="{}" text-anchor="middle">'
        "Days since the procedure</text>",
        MARGIN_LEFT + PLOT_WIDTH // 2,
        bottom + 34,
    )


def _reference(y: float, colour: str, label: str, *, at: float) -> SafeString:
    """A dashed horizontal line across the plot, labelled above it with its middle at
    ``at`` (a fraction of the plot's width), clear of the marks on the days asked."""
    return format_html(
        '<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="{}" stroke-width="2" '
        'stroke-dasharray="6 4"><title>{}</title></line>'
        '<text class="trend__axis" x="{}" y="{}" fill="{}" text-anchor="middle">{}</text>',
        MARGIN_LEFT,
        WIDTH - MARGIN_RIGHT,
        colour,
        label,
        f"{MARGIN_LEFT + PLOT_WIDTH * at:.1f}",
        f"{y - 4:.1f}",
        colour,
        label,
        y=f"{y:.1f}",
    )


def _series(points: Sequence[ResponsePoint], last_day: int, *, relief: bool) -> SafeString:
    colour = RELIEF_COLOUR if relief else PAIN_COLOUR
    coordinates = [
        (
            f"{_x(point.day, last_day):.1f}",
            f"{_y(point.relief_percent / 100 if relief else point.pain / 10):.1f}",
            point,
        )
        for point in points
    ]
    line = format_html(
        '<polyline fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round"{} '
        'points="{}"/>',
        colour,
        mark_safe(' stroke-dasharray="2 3"') if relief else "",
        " ".join(f"{x},{y}" for x, y, _ in coordinates),
    )
    if relief:
        marks = format_html_join(
            "",
            '<rect x="{}" y="{}" width="8" height="8" fill="{}" transform="translate(-4 -4)">'
            "<title>Day {}: {} % relief</title></rect>",
            ((x, y, colour, point.day, point.relief_percent) for x, y, point in coordinates),
        )
    else:
        marks = format_html_join(
            "",
            '<circle cx="{}" cy="{}" r="4" fill="{}"><title>Day {}: pain {}</title></circle>',
            ((x, y, colour, point.day, point.pain) for x, y, point in coordinates),
        )
    return line + marks


def _legend() -> SafeString:
    """Under the day labels: which mark is which."""
    y = HEIGHT + 10
    return format_html(
        '<circle cx="{}" cy="{}" r="4" fill="{}"/>'
        '<text class="trend__axis" x="{}" y="{}">Pain (0–10, left scale)</text>'
        '<rect x="{}" y="{}" width="8" height="8" fill="{}"/>'
        '<text class="trend__axis" x="{}" y="{}">Relief (%, right scale)</text>',
        MARGIN_LEFT,
        y - 4,
        PAIN_COLOUR,
        MARGIN_LEFT + 8,
        y,
        MARGIN_LEFT + 200,
        y - 8,
        RELIEF_COLOUR,
        MARGIN_LEFT + 212,
        y,
    )


def response_chart_svg(
    points: Sequence[ResponsePoint],
    *,
    days: Sequence[int],
    baseline: Decimal | None,
    threshold: int,
    chart_id: str,
    title: str,
    description: str,
) -> SafeString:
    """The chart of ``points`` over the follow-up ``days`` (the axis runs to the last),
    with the ``baseline`` pain (if known) and the relief ``threshold`` dashed."""
    last_day = max([*days, *(point.day for point in points), 1])
    ordered = sorted(points, key=lambda point: point.day)
    parts = [_grid_lines()]
    if baseline is not None:
        parts.append(
            _reference(_y(baseline / 10), PAIN_COLOUR, f"Pain before: {baseline}", at=0.58)
        )
    parts.append(
        _reference(_y(threshold / 100), RELIEF_COLOUR, f"Threshold: {threshold} % relief", at=0.84)
    )
    bottom = HEIGHT - MARGIN_BOTTOM
    parts.append(
        format_html(
            '<line class="trend__baseline" x1="{}" x2="{}" y1="{}" y2="{}"/>',
            MARGIN_LEFT,
            WIDTH - MARGIN_RIGHT,
            bottom,
            bottom,
        )
    )
    if ordered:
        parts.append(_series(ordered, last_day, relief=False))
        parts.append(_series(ordered, last_day, relief=True))
    parts.append(_day_labels(sorted(set(days) | {p.day for p in ordered}), last_day))
    parts.append(_legend())
    return format_html(
        '<svg class="trend__svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-title {}-desc" focusable="false">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT + 16,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        mark_safe("".join(parts)),
    )
