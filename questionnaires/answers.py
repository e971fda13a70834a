"""The answers mapping: what ``questionnaires.scoring.score`` takes and
``QuestionnaireForm.answers()`` gives, and what storage keeps as JSON as it is.

Keys are item keys (``Instrument.item_keys``). A value is:

- a whole number, for a choice item (the chosen option's value) or a rating item;
- ``{"name": "Climbing stairs", "rating": 4}``, for an activity item (the PSFS);
- ``None``, or the key left out, for an item not answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from .instruments.base import ActivityItem, Instrument


class ActivityAnswer(TypedDict):
    name: str
    rating: int


Answer = int | ActivityAnswer | None
Answers = Mapping[str, Answer]


def named_activities(instrument: Instrument, answers: Answers) -> list[str]:
    """The activities named in earlier answers, in the instrument's order (stored JSON may
    not keep the keys' order), so the next form can offer them again
    (``QuestionnaireForm(activity_names=...)``): the PSFS means something only when the
    same activities are rated each time."""
    names = []
    for item in instrument.items:
        value = answers.get(item.key)
        if isinstance(item, ActivityItem) and isinstance(value, Mapping):
            name = value.get("name")
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names
