"""The append-only audit trail: who did what to which record, when, and from where.

Write rows with ``audit.services.record_event``; read a plan's full trail with
``AuditEvent.objects.trail_for_plan(plan)``.

Rows are written once and never changed or deleted by the application: ``save()`` refuses
to update an existing row, and deleting or bulk-updating raises ``AuditLogImmutable``. On
PostgreSQL the application's database role may only INSERT and SELECT here
(``manage.py grant_app_role``), and a trigger rejects UPDATE and DELETE by anyone else. Each
row is chained to the one before it by SHA-256 hashes that the database fills in, with the
database's own clock (``audit.chain``; ``manage.py verify_audit`` checks the chain). Users who
appear in the trail cannot be deleted (deactivate them): the chain covers the actor's id.
Care-plan and patient ids are plain integers (no foreign keys) so the trail outlives what it
describes and this app depends on no other.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Now


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
    # Logins (accounts.login_trail): the password accepted or not, a logout; and a second
    # factor or a step-up confirmation accepted (mfa.trail; a refused code is "denied").
    LOGGED_IN = "logged_in", "Logged in"
    LOGIN_FAILED = "login_failed", "Login failed"
    LOGGED_OUT = "logged_out", "Logged out"
    VERIFIED = "verified", "Identity confirmed"


# The actions that changed something: a plan's history.
CHANGE_ACTIONS = (
    AuditAction.CREATED,
    AuditAction.CHANGED,
    AuditAction.DELETED,
    AuditAction.GRANTED,
    AuditAction.REVOKED,
)


# ``detail["what"]`` of the one event a listing of plans records, naming them in
# ``detail["plans"]``: a provider's dashboard, the on-call list of red-flag alerts, and a
# list of plans answered by the API (api/).
DASHBOARD = "dashboard"
CLINIC_ALERTS = "clinic alerts"
API_LISTING = "api plan list"
LISTINGS = (DASHBOARD, CLINIC_ALERTS, API_LISTING)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AuditLogImmutable("Audit events cannot be changed.")

    def delete(self):
        raise AuditLogImmutable("Audit events cannot be deleted.")

    def for_plan(self, plan_or_id) -> "AuditEventQuerySet":
        plan_id = getattr(plan_or_id, "pk", plan_or_id)
        return self.filter(care_plan_id=plan_id)

    def listing_plan(self, plan_or_id) -> "AuditEventQuerySet":
        """Listings (``LISTINGS``) whose one event names the plan among those listed
        (``detail = {"what": "dashboard", "plans": [ids]}``)."""
        plan_id = int(getattr(plan_or_id, "pk", plan_or_id))
        return self.filter(self._listing_q(plan_id))

    def trail_for_plan(self, plan_or_id) -> "AuditEventQuerySet":
        """Everything about the plan: its own events and the listings that named it."""
        plan_id = int(getattr(plan_or_id, "pk", plan_or_id))
        return self.filter(Q(care_plan_id=plan_id) | self._listing_q(plan_id))

    def _listing_q(self, plan_id: int) -> Q:
        if connections[self.db].vendor == "postgresql":
            # Served by the partial GIN index audit_event_listing_plans (migration 0008).
            return Q(detail__what__in=LISTINGS, detail__plans__contains=[plan_id])
        # SQLite: no JSON containment; json_each over the (few) listing events.
        kinds = ", ".join(["%s"] * len(LISTINGS))
        return Q(
            pk__in=RawSQL(
                "SELECT e.id FROM audit_auditevent e, json_each(e.detail, '$.plans') p"
                f" WHERE json_extract(e.detail, '$.what') IN ({kinds}) AND p.value = %s",
                (*LISTINGS, plan_id),
            )
        )

    def for_patient(self, patient_or_id) -> "AuditEventQuerySet":
        patient_id = getattr(patient_or_id, "pk", patient_or_id)
        return self.filter(patient_id=patient_id)

    def changes(self) -> "AuditEventQuerySet":
        """Events that changed something (what a plan's history shows)."""
        return self.filter(action__in=CHANGE_ACTIONS)


class AuditEvent(models.Model):
    # The database's clock: the default, and on PostgreSQL clock_timestamp() from the insert
    # trigger, which refuses any value the caller supplies.
    occurred_at = models.DateTimeField(db_default=Now(), db_index=True, editable=False)
    # PROTECT: the chain covers the actor's id, so a user in the trail is deactivated, not
    # deleted (as care-team memberships already require).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The actor's username when the event was written (the database checks it matches).
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
    # The hash chain (audit.chain): content_hash from the application, the rest filled by
    # the database (on PostgreSQL when the writing transaction commits).
    content_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    chain_seq = models.BigIntegerField(null=True, blank=True, editable=False, db_default=None)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False, db_default="")
    row_hash = models.CharField(max_length=64, blank=True, editable=False, db_default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["care_plan_id", "-occurred_at"], name="audit_event_plan_time"),
            # A plan's changes, newest first, without walking past its many views (the plan
            # page's history), and each member's visits to it ("since your last visit").
            models.Index(
                fields=["care_plan_id", "-occurred_at"],
                condition=models.Q(action__in=CHANGE_ACTIONS),
                name="audit_event_plan_changes",
            ),
            models.Index(
                fields=["care_plan_id", "actor", "-occurred_at"],
                condition=models.Q(action=AuditAction.VIEWED),
                name="audit_event_plan_visits",
            ),
            models.Index(fields=["patient_id", "-occurred_at"], name="audit_event_patient_time"),
            models.Index(fields=["actor", "-occurred_at"], name="audit_event_actor_time"),
            models.Index(
                fields=["target_content_type", "target_object_id"], name="audit_event_target"
            ),
        ]
        constraints = [
            # One row per place on the chain: two appenders can never fork it.
            models.UniqueConstraint(fields=["chain_seq"], name="audit_event_chain_seq_unique"),
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
