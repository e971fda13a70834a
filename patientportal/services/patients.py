"""Which patient a login belongs to and which plans and plan items that patient may see
(what the patient's plan page makes of them: ``plan_view``)."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from careteam.models import (
    FINISHED_ACTIVITY_STATUSES,
    Activity,
    CarePlan,
    CarePlanStatus,
    CareTeamMembership,
    Goal,
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


def is_current_plan(plan: CarePlan) -> bool:
    """Whether the plan is one of the patient's current ones (``CURRENT_PLAN_STATUSES``):
    under way or paused, not completed, revoked or a draft."""
    return plan.status in CURRENT_PLAN_STATUSES


def visible_goals(plan: CarePlan) -> QuerySet[Goal]:
    """The plan's goals the patient sees (``Goal.patient_sees``), in section order."""
    return (
        Goal.objects.shown_to_patient()
        .filter(section__plan=plan)
        .select_related("section")
        .order_by("section__sort_order", "sort_order", "pk")
    )


def visible_activities(plan: CarePlan) -> QuerySet[Activity]:
    """The plan's activities the patient sees (``Activity.patient_sees``: whatever their
    status), in section order."""
    return (
        Activity.objects.shown_to_patient()
        .filter(section__plan=plan)
        .select_related("section")
        .order_by("section__sort_order", "sort_order", "pk")
    )


def current_exercises(patient: Patient) -> QuerySet[Activity]:
    """Exercises the patient is doing now, across their current plans (for the check-in)."""
    return (
        Activity.objects.shown_to_patient()
        .filter(
            section__plan__patient=patient,
            section__plan__status__in=CURRENT_PLAN_STATUSES,
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
