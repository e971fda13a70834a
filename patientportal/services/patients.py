"""Which patient a login belongs to and which plans and plan items that patient may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from careteam.models import (
    Activity,
    ActivityStatus,
    CarePlan,
    CarePlanStatus,
    CareTeamMembership,
    Goal,
    GoalLifecycleStatus,
    Patient,
    Precaution,
)

# Draft plans are not ready for the patient; revoked ones were withdrawn.
PATIENT_VISIBLE_PLAN_STATUSES = (
    CarePlanStatus.ACTIVE,
    CarePlanStatus.ON_HOLD,
    CarePlanStatus.COMPLETED,
)
CURRENT_PLAN_STATUSES = (CarePlanStatus.ACTIVE, CarePlanStatus.ON_HOLD)
# Dated one-off activities, shown as "coming up" rather than as weekly to-dos.
SCHEDULED_KINDS = ("procedure", "appointment")
FINISHED_ACTIVITY_STATUSES = (
    ActivityStatus.COMPLETED,
    ActivityStatus.CANCELLED,
    ActivityStatus.STOPPED,
)
HIDDEN_GOAL_STATUSES = (
    GoalLifecycleStatus.CANCELLED,
    GoalLifecycleStatus.ENTERED_IN_ERROR,
    GoalLifecycleStatus.REJECTED,
    GoalLifecycleStatus.PROPOSED,
)


def patient_for_user(user) -> Patient | None:
    """The patient record linked to an active login, or None (providers, editors, anonymous)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return Patient.objects.filter(user=user).first()


def plans_for_patient(patient: Patient) -> QuerySet[CarePlan]:
    """The patient's own plans that are meant for their eyes, current ones first."""
    return (
        CarePlan.objects.filter(patient=patient, status__in=PATIENT_VISIBLE_PLAN_STATUSES)
        .annotate(
            is_current=Case(
                When(status__in=CURRENT_PLAN_STATUSES, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("-is_current", F("period_start").desc(nulls_last=True), "-updated_at", "-pk")
    )


def current_plans_for_patient(patient: Patient) -> QuerySet[CarePlan]:
    return plans_for_patient(patient).filter(status__in=CURRENT_PLAN_STATUSES)


def _visible_items(model, plan: CarePlan, hidden: dict[str, tuple[str, ...]]) -> QuerySet:
    """The plan's goals or activities marked for the patient, in section order, leaving out
    those whose status field (the key of ``hidden``) has one of the hidden values."""
    return (
        model.objects.filter(section__plan=plan, visible_to_patient=True)
        .exclude(**{f"{field}__in": values for field, values in hidden.items()})
        .select_related("section")
        .order_by("section__sort_order", "sort_order", "pk")
    )


def visible_goals(plan: CarePlan) -> QuerySet[Goal]:
    return _visible_items(Goal, plan, {"lifecycle_status": HIDDEN_GOAL_STATUSES})


def visible_activities(plan: CarePlan) -> QuerySet[Activity]:
    return _visible_items(Activity, plan, {"status": FINISHED_ACTIVITY_STATUSES})


def current_exercises(patient: Patient) -> QuerySet[Activity]:
    """Exercises the patient is doing now, across their current plans (for the check-in)."""
    return (
        Activity.objects.filter(
            section__plan__patient=patient,
            section__plan__status__in=CURRENT_PLAN_STATUSES,
            visible_to_patient=True,
            do_not_perform=False,
            kind="exercise",
        )
        .exclude(status__in=FINISHED_ACTIVITY_STATUSES)
        .order_by("section__plan_id", "section__sort_order", "sort_order", "pk")
    )


def active_team(plan: CarePlan) -> QuerySet[CareTeamMembership]:
    return (
        CareTeamMembership.objects.active()
        .filter(plan=plan)
        .select_related("user__provider_profile")
        .order_by("joined_at", "pk")
    )


def precautions(plan: CarePlan) -> QuerySet[Precaution]:
    return Precaution.objects.filter(plan=plan).order_by("sort_order", "pk")


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
# How far along each achievement status is, out of 4, for the progress bar.
ACHIEVEMENT_STEPS = {
    "no-progress": 0,
    "not-achieved": 0,
    "not-attainable": 0,
    "worsening": 1,
    "no-change": 1,
    "in-progress": 2,
    "improving": 3,
    "achieved": 4,
    "sustaining": 4,
}


@dataclass(frozen=True)
class TeamMember:
    title: str
    name: str
    credentials: str


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    words: str
    steps: int


@dataclass
class PlanOverview:
    """Everything the patient may see of one plan, fetched in a fixed number of queries."""

    plan: CarePlan
    goals: list[GoalProgress] = field(default_factory=list)
    this_week: list[Activity] = field(default_factory=list)
    coming_up: list[Activity] = field(default_factory=list)
    do_not_do: list[Activity] = field(default_factory=list)
    precautions: list[Precaution] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)


def team_title(membership: CareTeamMembership) -> str:
    if membership.role in ROLE_TITLES:
        return ROLE_TITLES[membership.role]
    provider = getattr(membership.user, "provider_profile", None)
    discipline = provider.discipline if provider else ""
    return DISCIPLINE_TITLES.get(discipline, "Also on your care team")


def plan_overview(plan: CarePlan) -> PlanOverview:
    overview = PlanOverview(plan=plan, precautions=list(precautions(plan)))
    today = timezone.localdate()
    overview.goals = [
        GoalProgress(
            goal,
            ACHIEVEMENT_WORDS.get(goal.achievement_status, "Working on it"),
            ACHIEVEMENT_STEPS.get(goal.achievement_status, 2),
        )
        for goal in visible_goals(plan)
    ]
    for activity in visible_activities(plan):
        if activity.do_not_perform:
            overview.do_not_do.append(activity)
        elif activity.kind in SCHEDULED_KINDS:
            if activity.scheduled_on is None or activity.scheduled_on >= today:
                overview.coming_up.append(activity)
        else:
            overview.this_week.append(activity)
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
