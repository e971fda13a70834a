"""Team notes and mental-health private notes: separate tables, separate permissions.

Notes are clinical entries: never edited or deleted; a correction is a new note.
"""

from django.conf import settings
from django.db import models


class TeamNoteQuerySet(models.QuerySet):
    def readable_by(self, user) -> "TeamNoteQuerySet":
        """Notes of the plans where ``user`` may view the plan (object permissions only)."""
        from ..permissions import VIEW, plans_for_user

        return self.filter(plan__in=plans_for_user(user, VIEW))


class PrivateNoteQuerySet(models.QuerySet):
    def readable_by(self, user) -> "PrivateNoteQuerySet":
        """Notes of the plans where ``user`` holds ``access_private_notes``: mental-health
        members of that team, never the lead, never a superuser as such."""
        from ..permissions import ACCESS_PRIVATE_NOTES, plans_for_user

        return self.filter(plan__in=plans_for_user(user, ACCESS_PRIVATE_NOTES))


class TeamNote(models.Model):
    """A note every member of the plan's team can read."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="team_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_notes"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = TeamNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Team note {self.pk}"


class PrivateNote(models.Model):
    """A psychotherapy note: only the plan's mental-health members may read it, not the lead.

    Read these through ``careteam.services.list_private_notes`` (one plan) or
    ``PrivateNote.objects.readable_by(user)`` (listings).
    """

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="private_care_notes"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = PrivateNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        # Never the body: this string lands in audit records the lead can read.
        return f"Private note {self.pk}"
