"""Team notes and mental-health private notes: separate tables, separate rules of who reads
them (``careteam.policy``; listings through ``careteam.services.readable_notes``).

Notes are clinical entries: never edited or deleted; a correction is a new note.
"""

from django.conf import settings
from django.db import models


class Note(models.Model):
    """What team and private notes share."""

    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]


class TeamNote(Note):
    """A note every member of the plan's team can read."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="team_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_notes"
    )

    class Meta(Note.Meta):
        indexes = [
            # A plan's newest notes (the dashboard's "latest note" per plan, the plan page's
            # notes, newest first): one index range scan per plan, however many notes the
            # table holds.
            models.Index(fields=["plan", "-created_at", "-id"], name="careteam_teamnote_newest"),
        ]

    def __str__(self) -> str:
        return f"Team note {self.pk}"


class PrivateNote(Note):
    """A psychotherapy note: only the plan's mental-health members may read it, not the lead.

    Read these through ``careteam.services.list_private_notes`` (one plan) or
    ``readable_notes(PrivateNote, user)`` (listings).
    """

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="private_notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="private_care_notes"
    )

    class Meta(Note.Meta):
        indexes = [
            models.Index(fields=["plan", "-created_at", "-id"], name="careteam_privatenote_newest"),
        ]

    def __str__(self) -> str:
        # Never the body: this string lands in audit records the lead can read.
        return f"Private note {self.pk}"
