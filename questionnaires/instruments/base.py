"""The shapes an instrument is defined with: its items, bands, safety items and codes.

Definitions are plain frozen dataclasses, checked when they are built (``Instrument``'s
``__post_init__``), so a mistake in one (a band gap, a safety item that names no item)
stops the site at import time rather than scoring a patient wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# The care-team disciplines an instrument belongs to, spelt as careteam's ``Discipline``
# values (this app imports no other app of the project).
PAIN_MANAGEMENT = "pain_management"
PHYSICAL_THERAPY = "physical_therapy"
MENTAL_HEALTH = "mental_health"
DISCIPLINES = (PAIN_MANAGEMENT, PHYSICAL_THERAPY, MENTAL_HEALTH)

LOINC_SYSTEM = "http://loinc.org"


@dataclass(frozen=True)
class Loinc:
    """A LOINC code (for the FHIR export): the questionnaire's panel or its total score."""

    code: str
    display: str
    system: str = LOINC_SYSTEM


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class ChoiceItem:
    """One answer from a fixed list; its value is what it scores."""

    key: str
    text: str
    options: tuple[Option, ...]
    required: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @property
    def max_value(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class RatingItem:
    """A whole number on a scale (0-10), with words for its two ends."""

    key: str
    text: str
    low_label: str
    high_label: str
    required: bool = False
    minimum: int = 0
    maximum: int = 10

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(range(self.minimum, self.maximum + 1))

    @property
    def max_value(self) -> int:
        return self.maximum


@dataclass(frozen=True)
class ActivityItem(RatingItem):
    """An activity the patient names in their own words and rates on a scale (the PSFS).
    Its answer is ``{"name": ..., "rating": ...}`` (``questionnaires.answers``)."""

    name_max_length: int = 100


Item = ChoiceItem | RatingItem


@dataclass(frozen=True)
class Band:
    """A range of whole-number totals (both ends included) and what it means: ``label``
    for the care team, ``patient_text`` for the patient; ``alerts``: a total in this band
    alerts the plan's member of the instrument's discipline."""

    low: int
    high: int
    label: str
    patient_text: str
    alerts: bool = False


@dataclass(frozen=True)
class SafetyItem:
    """An item where any answer outside ``safe_values`` needs action now (crisis advice and
    an urgent alert), whatever the total. ``concern`` names it for the team, in plain words."""

    item_key: str
    safe_values: frozenset[int]
    concern: str


class Method(StrEnum):
    """How the total is worked out (``questionnaires.scoring``)."""

    # The sum of the item values; up to ``len(items) - min_answered`` missing items are
    # counted as the mean of those answered (prorated), and the total rounded to a whole
    # number, half up.
    SUM = "sum"
    # The mean of the items answered, to one decimal place, half up.
    MEAN = "mean"
    # The points scored as a percentage of the points possible over the items answered,
    # a whole number, half up (the ODI).
    PERCENT_OF_POSSIBLE = "percent_of_possible"


@dataclass(frozen=True)
class Instrument:
    code: str
    short_title: str
    title: str
    # What it measures, in plain words, for the team's scheduling page and the patient.
    purpose: str
    # Who holds the instrument and why the clinic may use it.
    licence: str
    discipline: str
    # Shown above the items: what to think about and over what time.
    instructions: str
    items: tuple[Item, ...]
    method: Method
    min_answered: int
    # How often it is due by default, in days.
    interval_days: int
    panel_code: Loinc | None
    total_code: Loinc | None
    bands: tuple[Band, ...] = ()
    safety_items: tuple[SafetyItem, ...] = ()
    # Mental-health answers: only roles the policy allows may read the item answers.
    sensitive: bool = False
    # Whether a higher total means the patient is doing better (the PSFS), for charts.
    higher_is_better: bool = False
    # The message when too few items are answered; ``{minimum}`` and ``{count}`` filled in.
    too_few_message: str = (
        "Please answer at least {minimum} of the {count} questions so the score means something."
    )

    def __post_init__(self) -> None:
        keys = [item.key for item in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{self.code}: item keys repeat.")
        if self.discipline not in DISCIPLINES:
            raise ValueError(f"{self.code}: unknown discipline {self.discipline!r}.")
        if not 1 <= self.min_answered <= len(self.items):
            raise ValueError(f"{self.code}: min_answered must be between 1 and the item count.")
        if not {safety.item_key for safety in self.safety_items} <= set(keys):
            raise ValueError(f"{self.code}: a safety item names no item.")
        if self.bands and self.method is Method.MEAN:
            raise ValueError(f"{self.code}: bands need whole-number totals, not a mean.")
        if self.bands:
            covered = [total for band in self.bands for total in range(band.low, band.high + 1)]
            low, high = self.total_range
            if covered != list(range(low, high + 1)):
                raise ValueError(f"{self.code}: the bands must cover every total once, in order.")

    @property
    def plain_title(self) -> str:
        """The title without its abbreviation ("Mood questionnaire"), for pages in plain
        words that name it among others (the patient's plan)."""
        return self.title.removesuffix(f" ({self.short_title})")

    @property
    def total_range(self) -> tuple[int, int]:
        """The lowest and highest total possible (for charts and the band check)."""
        if self.method is Method.PERCENT_OF_POSSIBLE:
            return 0, 100
        if self.method is Method.MEAN:
            return min(min(item.values) for item in self.items), max(
                item.max_value for item in self.items
            )
        return sum(min(item.values) for item in self.items), sum(
            item.max_value for item in self.items
        )

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)

    def band_for(self, total: int) -> Band | None:
        """The band a whole-number total falls in; None for an instrument without bands."""
        for band in self.bands:
            if band.low <= total <= band.high:
                return band
        return None
