"""What changed between two versions of a programme: exercises added, removed, and doses
changed (field by field). Pure functions over plain dictionaries, so the arithmetic is
tested without a database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..models import DOSING_FIELDS, ProgrammeItem
from ..models.programmes import dose_text

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"

FIELD_LABELS = {
    "sets": "sets",
    "repetitions": "repetitions",
    "hold_seconds": "hold (seconds)",
    "times_per_day": "times a day",
    "days_per_week": "days a week",
    "note": "note",
}


def item_row(item: ProgrammeItem) -> dict[str, Any]:
    """An item as the diff compares it."""
    return {
        "exercise_id": item.exercise_id,
        "exercise": item.exercise_name,
        **{name: getattr(item, name) for name in DOSING_FIELDS},
    }


def diff_items(
    before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The changes from ``before`` to ``after`` (rows of ``item_row``), in the order of
    ``after`` then the removed ones: ``{"change": "added", "exercise", "dose"}``,
    ``{"change": "removed", "exercise"}``, ``{"change": "changed", "exercise", "fields":
    {field: [old, new]}}``."""
    old = {row["exercise_id"]: row for row in before}
    new = {row["exercise_id"]: row for row in after}
    changes: list[dict[str, Any]] = []
    for exercise_id, row in new.items():
        if exercise_id not in old:
            changes.append({"change": ADDED, "exercise": row["exercise"], "dose": dose_text(row)})
            continue
        fields = {
            name: [old[exercise_id][name], row[name]]
            for name in DOSING_FIELDS
            if old[exercise_id][name] != row[name]
        }
        if fields:
            changes.append({"change": CHANGED, "exercise": row["exercise"], "fields": fields})
    changes += [
        {"change": REMOVED, "exercise": row["exercise"]}
        for exercise_id, row in old.items()
        if exercise_id not in new
    ]
    return changes


@dataclass(frozen=True)
class ChangeLine:
    """One change in words, for the patient's and the team's pages."""

    kind: str
    text: str


def describe(changes: Iterable[Mapping[str, Any]]) -> list[ChangeLine]:
    """ "Added Dead bug: 2 sets of 8; once a day, every day", "Glute bridge: sets 2 → 3"."""
    lines = []
    for change in changes:
        name = change["exercise"]
        if change["change"] == ADDED:
            lines.append(ChangeLine(ADDED, f"Added {name}: {change['dose']}"))
        elif change["change"] == REMOVED:
            lines.append(ChangeLine(REMOVED, f"Stopped {name}"))
        else:
            parts = [
                f"{FIELD_LABELS.get(field, field)} {old or '–'} → {new or '–'}"
                for field, (old, new) in change["fields"].items()
            ]
            lines.append(ChangeLine(CHANGED, f"{name}: {', '.join(parts)}"))
    return lines
