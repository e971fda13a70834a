"""Who is on a plan's care team, in which role, and when."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class TeamRole(models.TextChoices):
    LEAD = "lead", "Lead physician"
    PHYSICAL_THERAPY = "physical_therapy", "Physical therapy"
    MENTAL_HEALTH = "mental_health", "Mental health"
    CONTRIBUTOR = "contributor", "Contributor"


class CareTeamMembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_at__isnull=True)


class CareTeamMembership(models.Model):
    """A provider's place on one plan's team. Leaving sets ``left_at``; rows are never
    deleted, so past entries stay attributed and the team's history stays readable."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(max_length=32, choices=TeamRole.choices)
    joined_at = models.DateTimeField(auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CareTeamMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(role="lead", left_at__isnull=True),
                name="careteam_one_active_lead_per_plan",
            ),
            models.UniqueConstraint(
                fields=["plan", "user"],
                condition=Q(left_at__isnull=True),
                name="careteam_one_active_membership_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "left_at"], name="careteam_member_user_active")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} on {self.plan_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None
