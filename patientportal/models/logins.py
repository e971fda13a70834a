"""A patient's way into the portal: the invitation a team member sends and its fate."""

from django.conf import settings
from django.db import models

from .submissions import SubmittedOnce


class PatientInvitation(SubmittedOnce):
    """One invitation to set a password. The newest one for a patient is the one in force;
    accepting activates the login, revoking switches it off again."""

    patient = models.ForeignKey(
        "careteam.Patient", on_delete=models.CASCADE, related_name="portal_invitations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="patient_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-invited_at", "-pk"]
        get_latest_by = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "submission_key"], name="pp_invitation_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return f"Portal invitation {self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def state(self) -> str:
        if self.revoked_at:
            return "revoked"
        return "active" if self.accepted_at else "pending"
