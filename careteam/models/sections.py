"""Per-discipline sections of a plan, with their goals and activities.

Status values are FHIR R4's, so a CarePlan/Goal export can map them one to one.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from .people import Discipline
from .tracking import VersionedRecord


class PlanSection(models.Model):
    """The part of a plan one discipline looks after."""

    plan = models.ForeignKey("careteam.CarePlan", on_delete=models.CASCADE, related_name="sections")
    discipline = models.CharField(max_length=32, choices=Discipline.choices)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "discipline"], name="careteam_one_section_per_discipline"
            )
        ]

    def __str__(self) -> str:
        return self.get_discipline_display()


class GoalLifecycleStatus(models.TextChoices):
    """FHIR R4 Goal.lifecycleStatus."""

    PROPOSED = "proposed", "Proposed"
    PLANNED = "planned", "Planned"
    ACCEPTED = "accepted", "Accepted"
    ACTIVE = "active", "Active"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"
    REJECTED = "rejected", "Rejected"


# Goals not agreed with the patient, or withdrawn: kept off the patient's page even when
# marked visible (``Goal.patient_sees``).
GOAL_STATUSES_KEPT_FROM_PATIENT = (
    GoalLifecycleStatus.PROPOSED,
    GoalLifecycleStatus.CANCELLED,
    GoalLifecycleStatus.ENTERED_IN_ERROR,
    GoalLifecycleStatus.REJECTED,
)


class GoalAchievementStatus(models.TextChoices):
    """FHIR R4 Goal.achievementStatus (goal-achievement value set)."""

    IN_PROGRESS = "in-progress", "In progress"
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    NO_CHANGE = "no-change", "No change"
    ACHIEVED = "achieved", "Achieved"
    SUSTAINING = "sustaining", "Sustaining"
    NOT_ACHIEVED = "not-achieved", "Not achieved"
    NO_PROGRESS = "no-progress", "No progress"
    NOT_ATTAINABLE = "not-attainable", "Not attainable"


class ActivityKind(models.TextChoices):
    EXERCISE = "exercise", "Exercise"
    EDUCATION = "education", "Education"
    PROCEDURE = "procedure", "Procedure"
    APPOINTMENT = "appointment", "Appointment"
    COPING_STRATEGY = "coping_strategy", "Coping strategy"


class Procedure(models.TextChoices):
    """The interventional procedures whose relief decides whether they are repeated: once
    one is done, the patient is asked at set times how much it helped."""

    EPIDURAL_STEROID_INJECTION = "epidural_steroid_injection", "Epidural steroid injection"
    RADIOFREQUENCY_ABLATION = "radiofrequency_ablation", "Radiofrequency ablation"
    PROLOTHERAPY = "prolotherapy", "Prolotherapy"
    DIAGNOSTIC_BLOCK = "diagnostic_block", "Diagnostic block"


class ActivityStatus(models.TextChoices):
    """FHIR R4 CarePlan.activity.detail.status, minus the bookkeeping codes."""

    NOT_STARTED = "not-started", "Not started"
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in-progress", "In progress"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    STOPPED = "stopped", "Stopped"


FINISHED_ACTIVITY_STATUSES = (
    ActivityStatus.COMPLETED,
    ActivityStatus.CANCELLED,
    ActivityStatus.STOPPED,
)


class SectionItem(VersionedRecord):
    """What goals and activities share: their section, patient visibility and versioning."""

    visible_to_patient = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "pk"]


class GoalQuerySet(models.QuerySet["Goal"]):
    def shown_to_patient(self) -> GoalQuerySet:
        """The goals on the patient's page (``Goal.patient_sees``)."""
        return self.filter(visible_to_patient=True).exclude(
            lifecycle_status__in=GOAL_STATUSES_KEPT_FROM_PATIENT
        )


class ActivityQuerySet(models.QuerySet["Activity"]):
    def shown_to_patient(self) -> ActivityQuerySet:
        """The activities on the patient's page (``Activity.patient_sees``)."""
        return self.filter(visible_to_patient=True)


class Goal(SectionItem):
    """A measurable outcome, e.g. "walk 30 minutes without a flare"."""

    objects = GoalQuerySet.as_manager()

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField()
    measure = models.CharField(
        max_length=200, blank=True, help_text="For example: pain on the 0–10 NRS."
    )
    target = models.CharField(max_length=200, blank=True, help_text="For example: 4 or less.")
    due_date = models.DateField(null=True, blank=True)
    lifecycle_status = models.CharField(
        max_length=20, choices=GoalLifecycleStatus.choices, default=GoalLifecycleStatus.ACTIVE
    )
    achievement_status = models.CharField(
        max_length=20,
        choices=GoalAchievementStatus.choices,
        default=GoalAchievementStatus.IN_PROGRESS,
        blank=True,
    )

    class Meta(SectionItem.Meta):
        pass

    def __str__(self) -> str:
        return self.description

    @property
    def patient_sees(self) -> bool:
        """Whether the patient's plan page and its print show this goal: marked visible, and
        agreed with the patient (not proposed, rejected, cancelled or entered in error)."""
        return (
            self.visible_to_patient and self.lifecycle_status not in GOAL_STATUSES_KEPT_FROM_PATIENT
        )


class Activity(SectionItem):
    """Something the patient or team does: an exercise, an injection, a coping strategy.

    ``do_not_perform`` marks a contraindicated activity (FHIR ``doNotPerform``).
    """

    objects = ActivityQuerySet.as_manager()

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )
    schedule = models.CharField(
        max_length=200, blank=True, help_text="How often or when, e.g. “daily, 10 minutes”."
    )
    scheduled_on = models.DateField(null=True, blank=True)
    instructions = models.TextField(blank=True, help_text="Written for the patient.")
    do_not_perform = models.BooleanField(default=False)
    procedure = models.CharField(
        max_length=32,
        choices=Procedure.choices,
        blank=True,
        help_text="For a procedure: which one. Once it is done, the patient is asked how "
        "much it helped.",
    )
    done_on = models.DateField(
        "Done on", null=True, blank=True, help_text="The day it was done (for a procedure)."
    )

    class Meta(SectionItem.Meta):
        verbose_name_plural = "activities"

    def clean(self) -> None:
        errors = {}
        if self.procedure and self.kind != ActivityKind.PROCEDURE:
            errors["procedure"] = "Only a procedure can name one."
        if self.procedure and self.status == ActivityStatus.COMPLETED and not self.done_on:
            errors["done_on"] = "Say which day the procedure was done."
        if self.done_on and self.done_on > timezone.localdate():
            errors["done_on"] = "That day has not come yet: mark it done once it is."
        if errors:
            raise ValidationError(errors)

    def __str__(self) -> str:
        return f"Do not: {self.title}" if self.do_not_perform else self.title

    @property
    def patient_sees(self) -> bool:
        """Whether the patient's plan page and its print show this activity: whenever it is
        marked visible, whatever its status. A "do not do" item stays among the patient's
        precautions after it is stopped; a finished or past one is shown as such."""
        return self.visible_to_patient

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_ACTIVITY_STATUSES

    @property
    def date_passed(self) -> bool:
        """A dated activity not marked done, cancelled or stopped, whose date is behind us:
        the patient's page says so rather than calling it coming up (or not started)."""
        return (
            self.scheduled_on is not None
            and not self.is_finished
            and self.scheduled_on < timezone.localdate()
        )
