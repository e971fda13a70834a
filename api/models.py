"""API tokens: a user's key for another system (an EHR, an exercise app, their own health
app) to call ``/api/v1/`` and ``/fhir/`` as them, with exactly their rights.

Only a SHA-256 digest of the token is stored: the token itself is shown once, when it is
made (``api.tokens.create_token``). Its first characters (``prefix``) stay readable so its
owner can tell their tokens apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 80


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Not revoked, not expired, and its user still active."""
        return self.filter(
            revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True
        )


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_api_tokens"
    )
    name = models.CharField(
        max_length=NAME_MAX_LENGTH, help_text="What the token is for, e.g. “Physio exercise app”."
    )
    prefix = models.CharField(max_length=16, help_text="The token's first characters.")
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_unique_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"API token “{self.name}” of {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
