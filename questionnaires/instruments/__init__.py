"""The instruments the clinic uses, each defined once, and the registry that finds them by
code (the code is what storage, schedules and URLs keep).

Only instruments free to use are here; each module's ``licence`` says who holds it and why
the clinic may use it. All item wording is our own paraphrase of each item's meaning.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .base import (
    DISCIPLINES,
    MENTAL_HEALTH,
    PAIN_MANAGEMENT,
    PHYSICAL_THERAPY,
    ActivityItem,
    Band,
    ChoiceItem,
    Instrument,
    Item,
    Loinc,
    Method,
    Option,
    RatingItem,
    SafetyItem,
)
from .gad7 import GAD7
from .odi import ODI
from .peg import PEG
from .phq9 import PHQ9
from .psfs import PSFS

INSTRUMENTS: Mapping[str, Instrument] = MappingProxyType(
    {instrument.code: instrument for instrument in (PHQ9, GAD7, PEG, PSFS, ODI)}
)


class UnknownInstrument(LookupError):
    """No instrument has this code (an old stored code, a mistyped URL)."""


def get_instrument(code: str) -> Instrument:
    try:
        return INSTRUMENTS[code]
    except KeyError:
        raise UnknownInstrument(f"There is no questionnaire called {code!r}.") from None


__all__ = [
    "DISCIPLINES",
    "GAD7",
    "INSTRUMENTS",
    "MENTAL_HEALTH",
    "ODI",
    "PAIN_MANAGEMENT",
    "PEG",
    "PHQ9",
    "PHYSICAL_THERAPY",
    "PSFS",
    "ActivityItem",
    "Band",
    "ChoiceItem",
    "Instrument",
    "Item",
    "Loinc",
    "Method",
    "Option",
    "RatingItem",
    "SafetyItem",
    "UnknownInstrument",
    "get_instrument",
]
