"""Emergency access ("break the glass"): a physician outside a plan's team reads it, for a
bounded time, after giving a reason.

Use ``EmergencyAccess.objects.active()`` for the grants in force now: not ended and not
expired. Expiry needs no job: whoever reads rights (``careteam.policy``) asks for active
rows only, so a grant stops counting the moment ``expires_at`` passes. Grants are opened and
ended by ``careteam.services.emergency`` only, which audits both; rows are never deleted.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# A reason shorter than this says nothing a privacy officer could check.
MIN_REASON_LENGTH = 20
MAX_REASON_LENGTH = 1000


class EmergencyAccessQuerySet(models.QuerySet):
    def active(self, at: datetime.datetime | None = None) -> EmergencyAccessQuerySet:
        """Grants in force at ``at`` (now): not ended and not yet expired."""
        return self.filter(ended_at__isnull=True, expires_at__gt=at or timezone.now())


class EmergencyAccess(models.Model):
    """One physician's read-only access to one plan whose team they are not on."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="emergency_accesses"
    )
    reason = models.TextField(max_length=MAX_REASON_LENGTH)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EmergencyAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "emergency access"
        verbose_name_plural = "emergency accesses"
        indexes = [
            models.Index(fields=["user", "ended_at", "expires_at"], name="careteam_emerg_user"),
            models.Index(fields=["plan", "ended_at", "expires_at"], name="careteam_emerg_plan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("started_at")),
                name="careteam_emergency_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Emergency access for {self.user} to plan {self.plan_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None and self.expires_at > timezone.now()

    @property
    def ends_at(self) -> datetime.datetime:
        """When the access stopped or will stop: ended early, or at expiry."""
        if self.ended_at is not None and self.ended_at < self.expires_at:
            return self.ended_at
        return self.expires_at
