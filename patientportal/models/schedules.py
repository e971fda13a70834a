"""Which questionnaires a plan asks the patient to answer, and how often
(``services.schedules``; the patient's to-do list: ``services.todo``)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from careteam.models.tracking import Versioned

from .questionnaires import instrument_choices

# The longest interval a schedule may have: a year.
MAX_EVERY_DAYS = 365


class ScheduleQuerySet(models.QuerySet["QuestionnaireSchedule"]):
    def active(self) -> ScheduleQuerySet:
        return self.filter(active=True)


class QuestionnaireSchedule(Versioned):
    """One instrument asked of the patient every ``every_days`` days from ``starts_on``.

    Occurrence k is due on ``starts_on + k * every_days``, a calendar date in the patient's
    time zone (``careteam.Patient.time_zone``), and is done by a result recorded on or
    after that date in that zone. ``next_due_on``, the first occurrence not done yet, is
    kept here (moved on in the transaction that records a result), so what is due or
    overdue is read in one query. A stopped schedule is kept (``active`` off, with who
    stopped it and when), so the plan shows what was asked of the patient."""

    objects = ScheduleQuerySet.as_manager()

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="questionnaire_schedules"
    )
    instrument = models.CharField(max_length=16, choices=instrument_choices)
    every_days = models.PositiveSmallIntegerField(
        "every (days)",
        validators=[MinValueValidator(1), MaxValueValidator(MAX_EVERY_DAYS)],
        help_text="How many days between one time and the next (14 is every two weeks).",
    )
    starts_on = models.DateField(
        help_text="The first day it is due, on the patient's calendar.",
    )
    next_due_on = models.DateField(help_text="The first time not answered yet.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-active", "next_due_on", "pk"]
        verbose_name = "questionnaire schedule"
        indexes = [
            models.Index(fields=["active", "next_due_on"], name="pp_schedule_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "instrument"],
                condition=models.Q(active=True),
                name="pp_one_active_schedule_per_instrument",
            ),
            models.CheckConstraint(
                condition=models.Q(every_days__gte=1), name="pp_schedule_every_day_or_more"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_instrument_display()} every {self.every_days} days"
