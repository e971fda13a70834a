"""The append-only audit trail: who did what to which record, when, and from where.

Rows are written once and never changed or deleted by the application: ``save()`` refuses
to update an existing row, and deleting or bulk-updating raises ``AuditLogImmutable``. On
PostgreSQL a trigger also rejects UPDATE and DELETE issued by any other route. Care-plan and
patient ids are plain integers (no foreign keys) so the trail outlives what it describes and
this app depends on no other.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or delete an audit record."""


class AuditAction(models.TextChoices):
    VIEWED = "viewed", "Viewed"
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"
    GRANTED = "granted", "Granted access"
    REVOKED = "revoked", "Revoked access"
    DENIED = "denied", "Access denied"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit events cannot be deleted.")

    def for_plan(self, plan_or_id) -> "AuditEventQuerySet":
        plan_id = getattr(plan_or_id, "pk", plan_or_id)
        return self.filter(care_plan_id=plan_id)

    def for_patient(self, patient_or_id) -> "AuditEventQuerySet":
        patient_id = getattr(patient_or_id, "pk", patient_or_id)
        return self.filter(patient_id=patient_id)

    def changes(self) -> "AuditEventQuerySet":
        """Events that changed something (what a plan's history shows)."""
        return self.filter(
            action__in=[
                AuditAction.CREATED,
                AuditAction.CHANGED,
                AuditAction.DELETED,
                AuditAction.GRANTED,
                AuditAction.REVOKED,
            ]
        )


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Kept even if the account is later deleted.
    actor_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    target_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=255, blank=True)
    care_plan_id = models.BigIntegerField(null=True, blank=True)
    patient_id = models.BigIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    path = models.CharField(max_length=500, blank=True)
    # {"changes": {field: [old, new]}, "reason": ..., "permission": ..., ...}
    detail = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["care_plan_id", "-occurred_at"], name="audit_event_plan_time"),
            models.Index(fields=["patient_id", "-occurred_at"], name="audit_event_patient_time"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_event_actor_time"),
            models.Index(
                fields=["target_content_type", "target_object_id"], name="audit_event_target"
            ),
        ]

    def __str__(self) -> str:
        who = self.actor_username or "anonymous"
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {who} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("Audit events cannot be deleted.")

    @property
    def changes(self) -> dict:
        """``{field: [old, new]}`` for a change event, else empty."""
        return self.detail.get("changes", {}) if isinstance(self.detail, dict) else {}
