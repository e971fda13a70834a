"""The sessions the patient logs: when, how much of each exercise they did, how hard it
felt, and their pain during it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from careteam.models import CarePlan
from patientportal.models.submissions import SubmittedOnce

from .programmes import ProgrammeItem, ProgrammeVersion


class Completion(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_DONE = "not", "Not done"


class Effort(models.TextChoices):
    TOO_EASY = "too-easy", "Too easy"
    RIGHT = "right", "About right"
    TOO_HARD = "too-hard", "Too hard"


class ExerciseSession(SubmittedOnce):
    """One sitting at the programme, as the patient logged it."""

    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="exercise_sessions")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.RESTRICT, related_name="+")
    performed_on = models.DateField()
    pain_during = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(10)]
    )
    note = models.CharField(max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-logged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "submission_key"], name="exercises_session_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return f"Exercise session on {self.performed_on:%d %B %Y}"


class SessionEntry(models.Model):
    """How one exercise went in a session."""

    session = models.ForeignKey(ExerciseSession, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(ProgrammeItem, on_delete=models.RESTRICT, related_name="+")
    completion = models.CharField(max_length=8, choices=Completion.choices)
    effort = models.CharField(max_length=10, choices=Effort.choices, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "item"], name="exercises_item_once_a_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.get_completion_display()}"
