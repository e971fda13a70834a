"""Answer scales more than one instrument shares."""

from __future__ import annotations

from .base import Option

# How often something bothered the patient over the last two weeks, scored 0-3: the scale of
# the PHQ-9 and the GAD-7, in our own words ("several days" means some, not most, days).
HOW_OFTEN_IN_TWO_WEEKS: tuple[Option, ...] = (
    Option(0, "Not at all"),
    Option(1, "On some days"),
    Option(2, "On more than half of the days"),
    Option(3, "Nearly every day"),
)
