"""What the start page shows of each published template, read from the stored block data
so any number of templates costs the same queries: the templates, then the titles of every
suggested page in one more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from wagtail.models import Page

from careteam.models import Discipline
from questionnaires.instruments import INSTRUMENTS

from ..models import PlanTemplate

FLARE_LABELS = (
    ("flare_day_one", "Day 1"),
    ("flare_day_two", "Day 2"),
    ("flare_day_three", "Day 3 and after"),
    ("flare_when_to_call", "When to call"),
)


@dataclass(frozen=True)
class SectionPreview:
    discipline: str
    goals: list[str]
    activities: list[str]
    reading: list[str]


@dataclass(frozen=True)
class TemplatePreview:
    template: PlanTemplate
    sections: list[SectionPreview]
    precautions: list[str]
    questionnaires: list[str]
    flare_plan: list[tuple[str, str]]


def _items(raw: Any) -> list[Mapping[str, Any]]:
    """A stored list's items: ``{"type": "item", "value": ...}`` rows, or bare values."""
    items = []
    for item in raw or []:
        if isinstance(item, Mapping) and item.get("type") == "item" and "value" in item:
            item = item["value"]
        if isinstance(item, Mapping):
            items.append(item)
    return items


def _blocks(template: PlanTemplate, field: str) -> list[Mapping[str, Any]]:
    return [row.get("value") or {} for row in getattr(template, field).raw_data]


def _activity(raw: Mapping[str, Any]) -> str:
    title = str(raw.get("title", ""))
    return f"Do not: {title}" if raw.get("do_not_perform") else title


def _questionnaire(raw: Mapping[str, Any]) -> str:
    instrument = INSTRUMENTS.get(str(raw.get("instrument", "")))
    name = instrument.title if instrument else str(raw.get("instrument", ""))
    return f"{name}, every {raw.get('every_days')} days"


def template_previews(templates: Iterable[PlanTemplate]) -> list[TemplatePreview]:
    templates = list(templates)
    page_ids = {
        reading.get("page")
        for template in templates
        for section in _blocks(template, "sections")
        for reading in _items(section.get("reading"))
    }
    titles = dict(
        Page.objects.filter(pk__in=[pk for pk in page_ids if isinstance(pk, int)]).values_list(
            "pk", "title"
        )
    )
    labels = dict(Discipline.choices)
    previews = []
    for template in templates:
        sections = [
            SectionPreview(
                discipline=labels.get(section.get("discipline", ""), ""),
                goals=[str(goal.get("description", "")) for goal in _items(section.get("goals"))],
                activities=[_activity(a) for a in _items(section.get("activities"))],
                reading=[
                    titles.get(reading.get("page"), "A page no longer published")
                    for reading in _items(section.get("reading"))
                ],
            )
            for section in _blocks(template, "sections")
        ]
        previews.append(
            TemplatePreview(
                template=template,
                sections=sections,
                precautions=[
                    str(row.get("description", "")) for row in _blocks(template, "precautions")
                ],
                questionnaires=[_questionnaire(row) for row in _blocks(template, "questionnaires")],
                flare_plan=[
                    (label, getattr(template, name))
                    for name, label in FLARE_LABELS
                    if getattr(template, name)
                ],
            )
        )
    return previews
