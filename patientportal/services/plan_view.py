"""The patient's plan page (and its print): what to do now, what is coming up and what is
past, goals with their progress from the check-ins, the precautions with the "do not do"
items, and the team.

Every goal and activity the patient sees (``Goal.patient_sees``, ``Activity.patient_sees``,
the rule the team's plan page shows too) lands in exactly one list here: a stopped "do not
do" item stays among the precautions, and a past or finished one is shown as such, with its
date, never left out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from careteam.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    CarePlan,
    CareTeamMembership,
    Precaution,
)

from ..charts import TrendPoint
from ..goal_progress import GoalProgress, goal_progress
from .patients import active_team, precautions, visible_activities, visible_goals

# Dated one-off activities, shown as "coming up" rather than as weekly to-dos.
SCHEDULED_KINDS = (ActivityKind.PROCEDURE, ActivityKind.APPOINTMENT)
# Where an activity stands, in the patient's words (the page ends each with a full stop).
STATUS_NOTES = {
    ActivityStatus.COMPLETED: "Done",
    ActivityStatus.CANCELLED: "Cancelled",
    ActivityStatus.STOPPED: "Stopped",
    ActivityStatus.ON_HOLD: "On hold for now",
}
DATE_PASSED = "This date has passed, and your team has not marked it as done yet"

# Plain titles for the patient's team, by role on the plan and then by discipline.
ROLE_TITLES = {
    "lead": "Your pain doctor (leads your care team)",
    "physical_therapy": "Your physical therapist",
    "mental_health": "Your counsellor (mental-health professional)",
}
DISCIPLINE_TITLES = {
    "pain_management": "A pain doctor on your team",
    "physical_therapy": "A physical therapist on your team",
    "mental_health": "A mental-health professional on your team",
    "nursing": "Your nurse or care coordinator",
}


@dataclass(frozen=True)
class PlanItem:
    """An activity and, where it helps, where it stands ("Done", "On hold for now")."""

    activity: Activity
    note: str = ""


@dataclass(frozen=True)
class TeamMember:
    title: str
    name: str
    credentials: str


@dataclass
class PlanOverview:
    """Everything the patient may see of one plan, fetched in a fixed number of queries."""

    plan: CarePlan
    goals: list[GoalProgress] = field(default_factory=list)
    this_week: list[PlanItem] = field(default_factory=list)
    coming_up: list[PlanItem] = field(default_factory=list)
    earlier: list[PlanItem] = field(default_factory=list)
    do_not_do: list[Activity] = field(default_factory=list)
    precautions: list[Precaution] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)


def team_title(membership: CareTeamMembership) -> str:
    if membership.role in ROLE_TITLES:
        return ROLE_TITLES[membership.role]
    provider = getattr(membership.user, "provider_profile", None)
    discipline = provider.discipline if provider else ""
    return DISCIPLINE_TITLES.get(discipline, "Also on your care team")


def _place(overview: PlanOverview, activity: Activity) -> None:
    """Put the activity in the one list where the patient will look for it."""
    note = STATUS_NOTES.get(ActivityStatus(activity.status), "")
    if activity.do_not_perform:
        overview.do_not_do.append(activity)
    elif activity.is_finished:
        overview.earlier.append(PlanItem(activity, note))
    elif activity.kind not in SCHEDULED_KINDS:
        overview.this_week.append(PlanItem(activity, note))
    elif activity.date_passed:
        overview.earlier.append(PlanItem(activity, DATE_PASSED))
    else:
        overview.coming_up.append(PlanItem(activity, note))


def _soonest_first(item: PlanItem) -> tuple[bool, datetime.date]:
    """Dated items by date, then those without one."""
    when = item.activity.scheduled_on
    return when is None, when or datetime.date.max


def _latest_first(item: PlanItem) -> tuple[bool, datetime.date]:
    """Dated items newest first (sorted in reverse), then those without one."""
    when = item.activity.scheduled_on
    return when is not None, when or datetime.date.min


def plan_overview(plan: CarePlan, pain_points: Iterable[TrendPoint] = ()) -> PlanOverview:
    """``pain_points``: the patient's check-ins as (day, pain score), for goal progress."""
    today = timezone.localdate()
    points = list(pain_points)
    overview = PlanOverview(plan=plan, precautions=list(precautions(plan)))
    overview.goals = [goal_progress(goal, points, today) for goal in visible_goals(plan)]
    for activity in visible_activities(plan):
        _place(overview, activity)
    overview.coming_up.sort(key=_soonest_first)
    overview.earlier.sort(key=_latest_first, reverse=True)
    for membership in active_team(plan):
        provider = getattr(membership.user, "provider_profile", None)
        overview.team.append(
            TeamMember(
                title=team_title(membership),
                name=membership.user.get_full_name() or membership.user.get_username(),
                credentials=provider.credentials if provider else "",
            )
        )
    return overview
