"""Scoring: an instrument and its answers in, a ``Result`` out (or a ``ScoringError`` whose
message, in plain words, can be shown as it is). Pure: no database, no clock.

The rules for totals are the instrument's ``Method`` (``instruments.base``); each
instrument's module says which published convention it follows and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .answers import Answer, Answers
from .instruments.base import ActivityItem, Band, Instrument, Item, Method, SafetyItem

ONE_DECIMAL = Decimal("0.1")


class ScoringError(ValueError):
    """The answers cannot be scored; the message says why, in plain words."""


class InvalidAnswers(ScoringError):
    """An item the instrument does not have, or an answer the item does not allow."""


class TooFewAnswers(ScoringError):
    """Fewer items answered than the instrument needs, or a required item left out."""


@dataclass(frozen=True)
class Result:
    instrument: Instrument = field(repr=False)
    # A whole number (sum, percentage) or, for a mean, a Decimal with one decimal place.
    total: int | Decimal
    # None for an instrument without bands (PEG, PSFS).
    band: Band | None
    answered: int
    # The sum of the values answered, before any proration, mean or percentage.
    raw_total: int
    # Whether missing items were counted as the mean of those answered (PHQ-9, GAD-7).
    prorated: bool
    # The safety items whose answer needs action now (PHQ-9 item 9 other than 0).
    safety_items: tuple[SafetyItem, ...]

    @property
    def safety_fired(self) -> bool:
        return bool(self.safety_items)

    @property
    def band_alerts(self) -> bool:
        """The total is in a band that alerts the plan's member of the discipline."""
        return self.band is not None and self.band.alerts


def score(instrument: Instrument, answers: Answers) -> Result:
    """Score answers keyed by item key (``questionnaires.answers``); a missing or None
    value is an item not answered. Raises ``InvalidAnswers`` or ``TooFewAnswers``."""
    values = _answered_values(instrument, answers)
    if len(values) < instrument.min_answered:
        raise TooFewAnswers(
            instrument.too_few_message.format(
                minimum=instrument.min_answered, count=len(instrument.items)
            )
        )
    for number, item in enumerate(instrument.items, start=1):
        if item.required and item.key not in values:
            raise TooFewAnswers(f"Please answer question {number}.")
    total, prorated = _total(instrument, values)
    return Result(
        instrument=instrument,
        total=total,
        band=None if isinstance(total, Decimal) else instrument.band_for(total),
        answered=len(values),
        raw_total=sum(values.values()),
        prorated=prorated,
        safety_items=_fired(instrument, values),
    )


def safety_concerns(instrument: Instrument, answers: Answers) -> tuple[SafetyItem, ...]:
    """The safety items these answers set off, even when the rest cannot be scored (too few
    answered, a bad value elsewhere): crisis advice must not wait for a complete form."""
    values: dict[str, int] = {}
    for safety in instrument.safety_items:
        number = instrument.item_keys.index(safety.item_key) + 1
        value = answers.get(safety.item_key)
        if value is None:
            continue
        try:
            values[safety.item_key] = _value(instrument.item(safety.item_key), number, value)
        except InvalidAnswers:
            continue
    return _fired(instrument, values)


def _answered_values(instrument: Instrument, answers: Answers) -> dict[str, int]:
    unknown = set(answers) - set(instrument.item_keys)
    if unknown:
        raise InvalidAnswers(
            f"The {instrument.short_title} has no item called {', '.join(sorted(unknown))}."
        )
    values = {}
    for number, item in enumerate(instrument.items, start=1):
        value = answers.get(item.key)
        if value is not None:
            values[item.key] = _value(item, number, value)
    return values


def _value(item: Item, number: int, answer: Answer) -> int:
    """The number an answer scores, checked against what the item allows."""
    value: object = answer
    if isinstance(item, ActivityItem):
        if not isinstance(answer, Mapping) or set(answer) != {"name", "rating"}:
            raise InvalidAnswers(f"Activity {number} needs a name and a number.")
        name = answer["name"]
        if not isinstance(name, str) or not name.strip():
            raise InvalidAnswers(f"Activity {number} needs a name.")
        if len(name) > item.name_max_length:
            raise InvalidAnswers(
                f"The name of activity {number} is longer than {item.name_max_length} characters."
            )
        value = answer["rating"]
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidAnswers(f"The answer to question {number} must be a whole number.")
    if value not in item.values:
        raise InvalidAnswers(
            f"The answer to question {number} must be between {min(item.values)} and "
            f"{max(item.values)}."
        )
    return value


def _total(instrument: Instrument, values: dict[str, int]) -> tuple[int | Decimal, bool]:
    """The total and whether missing items were prorated."""
    raw = sum(values.values())
    answered = len(values)
    if instrument.method is Method.MEAN:
        return (Decimal(raw) / answered).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP), False
    if instrument.method is Method.PERCENT_OF_POSSIBLE:
        possible = sum(instrument.item(key).max_value for key in values)
        return _whole(Decimal(raw) * 100 / possible), False
    count = len(instrument.items)
    if answered == count:
        return raw, False
    # Each missing item counts as the mean of those answered: raw x count / answered.
    return _whole(Decimal(raw) * count / answered), True


def _whole(number: Decimal) -> int:
    return int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _fired(instrument: Instrument, values: Mapping[str, int]) -> tuple[SafetyItem, ...]:
    return tuple(
        safety
        for safety in instrument.safety_items
        if safety.item_key in values and values[safety.item_key] not in safety.safe_values
    )
