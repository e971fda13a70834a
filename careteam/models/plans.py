"""The shared care plan and the precautions it sets."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from .tracking import Versioned, VersionedRecord


class CarePlanStatus(models.TextChoices):
    """FHIR R4 CarePlan.status values (request-status), minus the bookkeeping codes."""

    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    REVOKED = "revoked", "Revoked"


# The parts of a plan's flare plan: a plan holds one when any of them is written.
FLARE_PLAN_FIELDS = ("flare_day_one", "flare_day_two", "flare_day_three", "flare_when_to_call")
# The plans that hold a flare plan, as a query (``CarePlan.has_flare_plan`` for one plan).
HOLDS_FLARE_PLAN = ~models.Q(**dict.fromkeys(FLARE_PLAN_FIELDS, ""))


class CarePlan(Versioned):
    """One patient's plan of care, kept together by a care team.

    Object permissions (granted per team member by `careteam.services.team`):

    - ``view_careplan``: read the plan, its sections, team notes and history.
    - ``change_careplan``: edit summary, precautions, status, period and conditions.
    - ``edit_all_sections``: edit goals and activities in every section.
    - ``edit_own_section``: edit goals and activities in the section whose discipline
      matches the member's role on this plan.
    - ``add_teamnote``: write team notes.
    - ``access_private_notes``: read and write mental-health private notes.
    - ``manage_team``: add and remove members, hand over the lead.
    - ``view_audit_trail``: read the full audit trail, including views and denials.

    ``add_careplan`` is the one model-level permission: it lets pain-management
    physicians create plans. A model-level ``view_careplan`` opens nothing.
    """

    patient = models.ForeignKey(
        "careteam.Patient", on_delete=models.PROTECT, related_name="care_plans"
    )
    title = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=CarePlanStatus.choices, default=CarePlanStatus.DRAFT
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    conditions = models.TextField(
        blank=True,
        help_text="Conditions this plan addresses, one per line "
        "(for example: hypermobility spectrum disorder).",
    )
    patient_summary = models.TextField(
        blank=True, help_text="The plan in plain words, as the patient will read it."
    )
    red_flag_guidance = models.TextField(
        blank=True, help_text="What needs urgent care now, written for the patient."
    )
    # The flare plan agreed with the team: what the patient does on each of a flare's first
    # days, and when to call. The patient sees it the moment they say a flare has begun.
    flare_day_one = models.TextField(
        "Flare plan: day 1", blank=True, help_text="What to do on the first day of a flare."
    )
    flare_day_two = models.TextField("Flare plan: day 2", blank=True)
    flare_day_three = models.TextField("Flare plan: day 3 and after", blank=True)
    flare_when_to_call = models.TextField(
        "Flare plan: when to call the clinic",
        blank=True,
        help_text="When a flare needs the team (the red-flag advice always comes first).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="care_plans_created",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="care_plans_updated",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Any change anywhere in the plan (goals, notes, team...), for "last change" listings;
    # ``updated_at``/``updated_by`` describe the plan's own fields only.
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("edit_all_sections", "Can edit goals and activities in every section"),
            ("edit_own_section", "Can edit goals and activities in own discipline's section"),
            ("add_teamnote", "Can add team notes"),
            ("access_private_notes", "Can read and write mental-health private notes"),
            ("manage_team", "Can add and remove members and hand over the lead"),
            ("view_audit_trail", "Can view the plan's audit trail"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="careteam_careplan_period_in_order",
            )
        ]

    @property
    def has_flare_plan(self) -> bool:
        return any(getattr(self, field) for field in FLARE_PLAN_FIELDS)

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "The plan cannot end before it starts."})

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]


class Precaution(VersionedRecord):
    """Something the patient should avoid, e.g. "no deep or end-range stretching".

    ``avoid_tag`` names what the precaution rules out, so assigned reading tagged with
    the same contraindication can be flagged before it reaches the patient.
    """

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="precautions")
    description = models.TextField(help_text="Shown to the patient.")
    avoid_tag = models.ForeignKey(
        "portal.ContraindicationTag",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="precautions",
    )
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.description
