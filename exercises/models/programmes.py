"""A plan's home exercise programme. Each change (an exercise added or removed, a dose
changed) makes a new ``ProgrammeVersion`` holding the whole list as it now stands, with
what changed since the version before; the programme's ``version`` is the newest one's
number and is what a change is checked against (``exercises.services.programmes``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from careteam.models import CarePlan
from careteam.models.tracking import Versioned

from .library import Exercise

# What a therapist sets for each exercise (compared between versions).
DOSING_FIELDS = ("sets", "repetitions", "hold_seconds", "times_per_day", "days_per_week", "note")


class Programme(Versioned):
    """The programme of one plan; ``version`` is its newest version's number."""

    plan = models.OneToOneField(
        CarePlan, on_delete=models.CASCADE, related_name="exercise_programme"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "home exercise programme"

    def __str__(self) -> str:
        return f"Home exercise programme (version {self.version})"


class ProgrammeVersion(models.Model):
    """The programme as it stood after one change; never edited afterwards."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What changed since the version before (``exercises.services.versions.diff_items``):
    # [{"change": "added" | "removed" | "changed", "exercise": name, ...}].
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="exercises_one_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"Home exercise programme, version {self.number}"


class ProgrammeItem(models.Model):
    """One exercise in one version, with its dose."""

    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    # The name as prescribed (the library may rename it later).
    exercise_name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0)
    sets = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    repetitions = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    hold_seconds = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(300)], help_text="0: no hold."
    )
    times_per_day = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    days_per_week = models.PositiveSmallIntegerField(
        default=7, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    note = models.CharField(max_length=500, blank=True)
    # The contraindication tags the therapist confirmed against the plan's precautions.
    confirmed_conflicts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "exercise"], name="exercises_exercise_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return self.exercise_name

    @property
    def per_week(self) -> int:
        """How many times a week the exercise is prescribed."""
        return self.times_per_day * self.days_per_week

    @property
    def dose(self) -> str:
        """ "2 sets of 8, hold 5 seconds; twice a day, 5 days a week"."""
        return dose_text({name: getattr(self, name) for name in DOSING_FIELDS if name != "note"})


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def dose_text(dose: Mapping[str, Any]) -> str:
    """A dose in words, from its dosing fields."""
    sets, reps = dose["sets"], dose["repetitions"]
    text = f"{sets} set{'s' if sets != 1 else ''} of {reps}"
    if dose["hold_seconds"]:
        text += f", hold {dose['hold_seconds']} seconds"
    days = dose["days_per_week"]
    often = "every day" if days == 7 else f"{days} day{'s' if days != 1 else ''} a week"
    return f"{text}; {_times(dose['times_per_day'])} a day, {often}"
