"""How far along a goal the patient is, from what their check-ins say.

A goal is measured when its target can be read as a limit on a number the check-in asks
for: today, pain on the 0 to 10 scale ("4 or less", "4/10 or less on 5 days out of 7",
"at most 3", "below 5"), on a goal whose measure (or, without one, its description) is about
pain. Each day the patient checked in over the last two weeks counts once, at that day's
average; the goal is on track when enough of those days met the limit: the share the
target names ("5 days out of 7"), or else most of them. The bar shows the share of days
that met it, a real fraction, and the words say the same in a sentence.

A goal the check-ins cannot measure (walking time, coping skills) gets no bar: it says so,
with the team's own view of it (its achievement status). A goal the team marked as reached
says "Reached", whatever the check-ins say.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from careteam.models import Goal, GoalAchievementStatus, GoalLifecycleStatus

from .charts import TrendPoint

WINDOW = timedelta(days=14)
WINDOW_WORDS = "the last two weeks"
PAIN_SCALE_MAX = 10

# The team's view of a goal the check-ins cannot measure (FHIR achievement status).
ACHIEVEMENT_WORDS = {
    "in-progress": "Working on it",
    "improving": "Getting better",
    "worsening": "Harder lately: your team will help adjust",
    "no-change": "No change yet",
    "achieved": "Reached",
    "sustaining": "Reached and keeping it up",
    "not-achieved": "Not reached yet",
    "no-progress": "No progress yet",
    "not-attainable": "Your team will talk with you about this goal",
}
REACHED = (GoalAchievementStatus.ACHIEVED, GoalAchievementStatus.SUSTAINING)

_NUMBER = r"(\d{1,2})(?:\s*(?:/|out\s+of)\s*10)?"
# A pain limit, as clinicians write it: "4 or less", "4/10 or lower", "4 out of 10 or less",
# "at most 4", "under 5".
_AT_MOST = (
    re.compile(_NUMBER + r"\s+or\s+(?:less|lower|below|under)\b"),
    re.compile(r"\b(?:at\s+most|no\s+more\s+than|no\s+higher\s+than|max(?:imum)?)\s+" + _NUMBER),
)
_BELOW = re.compile(r"\b(?:below|under|less\s+than|lower\s+than)\s+" + _NUMBER)
# "on 5 days out of 7", "5 days in every 7", "5 out of 7 days".
_SHARE = (
    re.compile(r"(\d+)\s+days?\s+(?:out\s+of|of|in)\s+(?:every\s+)?(\d+)"),
    re.compile(r"(\d+)\s+(?:out\s+of|of|in)\s+(?:every\s+)?(\d+)\s+days?"),
)


@dataclass(frozen=True)
class PainTarget:
    """Pain at most ``limit`` on enough of the days checked in: ``share`` = (days, out of),
    or None for most of them."""

    limit: int
    share: tuple[int, int] | None

    def days_needed(self, days: int) -> int:
        if self.share is None:
            return days // 2 + 1
        wanted, out_of = self.share
        return math.ceil(days * wanted / out_of)


@dataclass(frozen=True)
class GoalProgress:
    """What the patient's page says about one goal: ``words`` (short), ``detail`` (a
    sentence) and, for a goal measured by check-ins, ``percent`` of days on target (the
    bar; None draws none). ``state``: reached, on-track, not-yet, not-measured or team."""

    goal: Goal
    state: str
    words: str
    detail: str
    percent: int | None = None

    @property
    def bar_step(self) -> int:
        """The bar's length in tenths, for the stylesheet's ``progress__bar--N``."""
        return round((self.percent or 0) / 10)


def pain_target(goal: Goal) -> PainTarget | None:
    """The goal's target as a pain limit, or None if it is not one."""
    about = (goal.measure or goal.description).lower()
    target = (goal.target or goal.description).lower()
    if "pain" not in about:
        return None
    limit = _pain_limit(target)
    if limit is None:
        return None
    for pattern in _SHARE:
        share = pattern.search(target)
        if share is not None:
            wanted, out_of = int(share.group(1)), int(share.group(2))
            if 0 < wanted <= out_of:
                return PainTarget(limit, (wanted, out_of))
    return PainTarget(limit, None)


def _pain_limit(text: str) -> int | None:
    for pattern in _AT_MOST:
        found = pattern.search(text)
        if found is not None:
            limit = int(found.group(1))
            return limit if limit <= PAIN_SCALE_MAX else None
    found = _BELOW.search(text)
    if found is not None:
        limit = int(found.group(1)) - 1
        return limit if 0 <= limit < PAIN_SCALE_MAX else None
    return None


def daily_pain(points: Iterable[TrendPoint], today: date) -> dict[date, float]:
    """Each day's average pain over the window ending ``today``."""
    scores: dict[date, list[int]] = defaultdict(list)
    since = today - WINDOW
    for point in points:
        if since < point.when <= today:
            scores[point.when].append(point.value)
    return {day: sum(values) / len(values) for day, values in scores.items()}


def goal_progress(goal: Goal, pain_points: Iterable[TrendPoint], today: date) -> GoalProgress:
    """``pain_points``: the patient's check-ins as (day, pain score), any order."""
    target = pain_target(goal)
    days = daily_pain(pain_points, today) if target is not None else {}
    reached = (
        goal.achievement_status in REACHED or goal.lifecycle_status == GoalLifecycleStatus.COMPLETED
    )
    if target is not None and days:
        met = sum(1 for average in days.values() if average <= target.limit)
        detail = (
            f"Your pain was {target.limit} or less on {met} of the {len(days)} "
            f"day{'s' if len(days) != 1 else ''} you checked in over {WINDOW_WORDS}."
        )
        if reached:
            state, words = "reached", "Reached"
        elif met >= target.days_needed(len(days)):
            state, words = "on-track", "On track"
        else:
            state, words = "not-yet", "Not there yet"
        return GoalProgress(goal, state, words, detail, round(100 * met / len(days)))
    if reached:
        return GoalProgress(goal, "reached", "Reached", "Your team marked this goal as reached.")
    if target is not None:
        return GoalProgress(
            goal,
            "not-measured",
            "Not yet measured",
            f"You have not checked in over {WINDOW_WORDS}. Check in to see how you are doing.",
        )
    return GoalProgress(
        goal,
        "team",
        ACHIEVEMENT_WORDS.get(goal.achievement_status, ACHIEVEMENT_WORDS["in-progress"]),
        "Your check-ins do not measure this goal. Your team checks it with you.",
    )
