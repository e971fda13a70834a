"""The patient portal's components that other apps' pages show too, as template tags, so
that no other app names this app's templates:

- ``{% trend_chart chart %}``: a ``patientportal.charts.TrendChart`` with its text summary
  and a table of the same numbers;
- ``{% red_flags_box guidance %}``: the red flags that mean urgent care now, with the
  team's own advice for the patient when given.

``{% load portal_components %}`` first."""

from __future__ import annotations

from typing import Any

from django import template

from ..charts import TrendChart

register = template.Library()


@register.inclusion_tag("patientportal/includes/trend_chart.html")
def trend_chart(chart: TrendChart) -> dict[str, Any]:
    return {"chart": chart}


@register.inclusion_tag("patientportal/includes/red_flags_box.html")
def red_flags_box(guidance: str = "") -> dict[str, Any]:
    return {"guidance": guidance}
