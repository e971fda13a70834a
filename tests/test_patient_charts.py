"""Server-rendered SVG trend charts: valid markup, screen-reader text, escaping, scaling;
each questionnaire's on its own scale, saying which way is better."""

from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest

from patientportal.charts import TrendPoint, line_chart_svg, pain_trend, questionnaire_trend
from questionnaires.instruments import GAD7, ODI, PEG, PHQ9, PSFS


def odi_trend(points):
    return questionnaire_trend(ODI, points, chart_id="odi-trend")


SVG = "{http://www.w3.org/2000/svg}"


def parse(svg):
    return ElementTree.fromstring(str(svg))


def points_of(root):
    polyline = root.find(f"{SVG}polyline")
    return [tuple(float(n) for n in pair.split(",")) for pair in polyline.get("points").split()]


def test_pain_chart_is_well_formed_svg_named_for_screen_readers():
    chart = pain_trend(
        [TrendPoint(date(2026, 10, 1), 7), TrendPoint(date(2026, 10, 15), 4)],
        chart_id="alex-pain",
    )
    root = parse(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "alex-pain-title alex-pain-desc"
    assert root.find(f"{SVG}title").get("id") == "alex-pain-title"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == "alex-pain-desc"
    assert "2 pain score entries from 1 October 2026 to 15 October 2026" in desc.text
    assert "First 7, latest 4, lowest 4, highest 7" in desc.text


def test_points_are_sorted_by_date_and_scaled_to_the_axis():
    chart = pain_trend(
        [
            TrendPoint(date(2026, 10, 11), 5),
            TrendPoint(date(2026, 10, 1), 10),
            TrendPoint(date(2026, 10, 21), 0),
        ]
    )
    assert [p.value for p in chart.points] == [10, 5, 0]
    (x1, y1), (x2, y2), (x3, y3) = points_of(parse(chart.svg))
    assert x1 < x2 < x3
    assert x2 - x1 == x3 - x2  # ten days apart each
    assert y1 < y2 < y3  # higher pain is drawn higher up
    assert y2 == (y1 + y3) / 2


def test_each_point_has_a_tooltip_with_date_and_value():
    root = parse(
        odi_trend([TrendPoint(date(2026, 9, 3), 42), TrendPoint(date(2026, 11, 3), 30)]).svg
    )
    titles = [circle.find(f"{SVG}title").text for circle in root.iter(f"{SVG}circle")]
    assert titles == ["3 September 2026: 42", "3 November 2026: 30"]


def test_a_single_point_sits_in_the_middle():
    chart = odi_trend([TrendPoint(date(2026, 9, 3), 50)])
    ((x, y),) = points_of(parse(chart.svg))
    assert 300 < x < 340
    assert chart.summary == "One ODI score recorded, on 3 September 2026: 50 out of 100."


def test_no_points_gives_no_picture_but_a_summary():
    chart = pain_trend([])
    assert str(chart.svg) == ""
    assert chart.summary == "No pain score recorded yet."


def test_text_is_escaped():
    svg = line_chart_svg(
        [TrendPoint(date(2026, 1, 1), 1)],
        chart_id='x" onload="alert(1)',
        title="<script>alert(1)</script>",
        description="a & b",
        scale_max=10,
        y_ticks=[0, 10],
    )
    assert "<script>" not in svg
    assert 'onload="' not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<script>alert(1)</script>"
    assert root.find(f"{SVG}desc").text == "a & b"


def test_values_outside_the_scale_are_drawn_at_its_edge():
    ((_, y_high), (_, y_low)) = points_of(
        parse(pain_trend([TrendPoint(date(2026, 1, 1), 14), TrendPoint(date(2026, 1, 2), -3)]).svg)
    )
    top = parse(pain_trend([TrendPoint(date(2026, 1, 1), 10)]).svg)
    bottom = parse(pain_trend([TrendPoint(date(2026, 1, 1), 0)]).svg)
    assert y_high == points_of(top)[0][1]
    assert y_low == points_of(bottom)[0][1]


def test_recent_average_uses_only_recent_points():
    chart = pain_trend(
        [
            TrendPoint(date(2026, 10, 1), 9),
            TrendPoint(date(2026, 10, 20), 4),
            TrendPoint(date(2026, 10, 22), 5),
        ]
    )
    assert chart.recent_average(date(2026, 10, 15)) == 4.5
    assert chart.recent_average(date(2026, 11, 1)) is None


@pytest.mark.parametrize(
    ("instrument", "ticks", "better"),
    [
        (ODI, ["0", "20", "40", "60", "80", "100"], "lower"),
        (PHQ9, ["0", "5", "10", "15", "20", "25"], "lower"),
        (GAD7, ["0", "5", "10", "15", "20"], "lower"),
        (PEG, ["0", "2", "4", "6", "8", "10"], "lower"),
        (PSFS, ["0", "2", "4", "6", "8", "10"], "higher"),
    ],
)
def test_each_questionnaire_is_drawn_on_its_own_scale_saying_which_way_is_better(
    instrument, ticks, better
):
    chart = questionnaire_trend(
        instrument, [TrendPoint(date(2026, 9, 3), 3)], chart_id="q", for_patient=True
    )
    axis = [text.text for text in parse(chart.svg).iter(f"{SVG}text")]
    assert axis[: len(ticks)] == ticks
    high = instrument.total_range[1]
    assert chart.title == (
        f"{instrument.plain_title}: your score over time (0 to {high}, {better} is better)"
    )
    assert instrument.short_title not in chart.title + chart.summary  # plain words
    team = questionnaire_trend(instrument, [TrendPoint(date(2026, 9, 3), 3)], chart_id="q")
    assert team.title.startswith(f"{instrument.short_title} over time")


def test_a_mean_to_one_decimal_place_is_drawn_and_summed_up_as_it_is():
    chart = questionnaire_trend(
        PEG,
        [
            TrendPoint(date(2026, 9, 3), Decimal("6.7")),
            TrendPoint(date(2026, 10, 3), Decimal("4.3")),
        ],
        chart_id="peg",
    )
    assert "First 6.7, latest 4.3" in chart.summary
    (_, y1), (_, y2) = points_of(parse(chart.svg))
    assert y1 < y2  # 6.7 is drawn above 4.3
