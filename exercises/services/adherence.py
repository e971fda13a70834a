"""Adherence: exercise sessions done against those prescribed, week by week, and how hard
the exercises felt. Pure arithmetic over plain rows (tested without a database), read by
``weekly_adherence_for``.

The rules, as the team page states them:

- A *session* here is one exercise done once: an exercise prescribed twice a day on five
  days a week is 10 sessions a week, and a programme is the sum of its exercises.
- Weeks run Monday to Sunday. A week counts only its days from the programme's first
  version up to today, so the first and the current week are prorated
  (prescribed × days counted / 7, to one decimal place).
- The prescription of a week is that of the version in force on its last counted day.
- Each logged exercise counts **done = 1, partly = ½, not done = 0**. Adherence is done ÷
  prescribed, shown as a percentage and capped at 100 % (extra sessions are shown as done,
  but never make up for another week).
- Difficulty: how many of the week's logged exercises felt too easy, about right, too hard.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..models import Completion, Effort

CREDIT: dict[str, Decimal] = {
    Completion.DONE: Decimal(1),
    Completion.PARTLY: Decimal("0.5"),
    Completion.NOT_DONE: Decimal(0),
}
WEEK = 7


@dataclass(frozen=True)
class VersionRow:
    made_on: datetime.date
    per_week: int  # sessions a week: Σ times a day × days a week


@dataclass(frozen=True)
class EntryRow:
    performed_on: datetime.date
    completion: str
    effort: str = ""


@dataclass(frozen=True)
class Week:
    start: datetime.date  # a Monday
    days_counted: int
    prescribed: Decimal
    done: Decimal
    too_easy: int = 0
    right: int = 0
    too_hard: int = 0

    @property
    def end(self) -> datetime.date:
        return self.start + datetime.timedelta(days=WEEK - 1)

    @property
    def percent(self) -> int | None:
        """Done ÷ prescribed as a whole percentage, at most 100; None with nothing due."""
        if not self.prescribed:
            return None
        ratio = min(self.done / self.prescribed, Decimal(1)) * 100
        return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @property
    def done_text(self) -> str:
        return number_text(self.done)

    @property
    def prescribed_text(self) -> str:
        return number_text(self.prescribed)

    @property
    def rated(self) -> int:
        return self.too_easy + self.right + self.too_hard


def number_text(value: Decimal) -> str:
    """ "10", "7.5", "2.6": at most one decimal place, none when whole."""
    return f"{value:.1f}".removesuffix(".0")


def monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _in_force(versions: Sequence[VersionRow], day: datetime.date) -> VersionRow | None:
    current = None
    for version in versions:
        if version.made_on <= day:
            current = version
    return current


def weekly_adherence(
    versions: Iterable[VersionRow], entries: Iterable[EntryRow], today: datetime.date
) -> list[Week]:
    """Each week from the programme's first version to ``today``, oldest first."""
    versions = sorted(versions, key=lambda version: version.made_on)
    if not versions or versions[0].made_on > today:
        return []
    first = versions[0].made_on
    entries = [entry for entry in entries if first <= entry.performed_on <= today]
    weeks = []
    start = monday(first)
    while start <= today:
        days = [
            start + datetime.timedelta(days=offset)
            for offset in range(WEEK)
            if first <= start + datetime.timedelta(days=offset) <= today
        ]
        version = _in_force(versions, days[-1])
        per_week = version.per_week if version is not None else 0
        prescribed = (Decimal(per_week) * len(days) / WEEK).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
        mine = [entry for entry in entries if start <= entry.performed_on <= days[-1]]
        weeks.append(
            Week(
                start=start,
                days_counted=len(days),
                prescribed=prescribed,
                done=sum((CREDIT[entry.completion] for entry in mine), Decimal(0)),
                too_easy=sum(entry.effort == Effort.TOO_EASY for entry in mine),
                right=sum(entry.effort == Effort.RIGHT for entry in mine),
                too_hard=sum(entry.effort == Effort.TOO_HARD for entry in mine),
            )
        )
        start += datetime.timedelta(days=WEEK)
    return weeks
