"""Procedure follow-ups: after an injection, an ablation or a block is done, the patient is
asked at set times how bad their pain is and how much relief the procedure gave
(``services.procedure_followups``)."""

from __future__ import annotations

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from careteam.models import Procedure


def closed_before(closes_on: datetime.date | None, today: datetime.date) -> bool:
    """Whether a follow-up closing on ``closes_on`` takes no answer on ``today`` any more
    (one with no closing day never closes, see ``ProcedureFollowUp.closes_on``);
    ``not_closed_on`` is the same rule in SQL."""
    return closes_on is not None and closes_on < today


def not_closed_on(today: datetime.date) -> Q:
    """Still taking an answer on ``today``: ``closed_before`` false, in SQL."""
    return Q(closes_on__isnull=True) | Q(closes_on__gte=today)


class ProcedureFollowUpQuerySet(models.QuerySet["ProcedureFollowUp"]):
    def open(self) -> ProcedureFollowUpQuerySet:
        """Still waiting for the patient's answer: neither answered nor cancelled."""
        return self.filter(answered_at__isnull=True, cancelled_at__isnull=True)

    def due(self, today: datetime.date) -> ProcedureFollowUpQuerySet:
        """Open, due on or before ``today`` (a local calendar date) and not closed yet:
        what the patient can answer today."""
        return self.open().filter(not_closed_on(today), due_on__lte=today)

    def overdue(self, today: datetime.date) -> ProcedureFollowUpQuerySet:
        """Due and its day gone by unanswered, but still open for an answer."""
        return self.due(today).filter(due_on__lt=today)

    def missed(self, today: datetime.date) -> ProcedureFollowUpQuerySet:
        """Open but closed before ``today``: never answered, and no longer asked."""
        return self.open().filter(closes_on__lt=today)

    def live(self) -> ProcedureFollowUpQuerySet:
        """Not cancelled: answered, or still to be answered."""
        return self.filter(cancelled_at__isnull=True)


class ProcedureFollowUp(models.Model):
    """One question to the patient about one procedure, ``day_offset`` days after it was
    done (``due_on``, a local calendar date; offset 0 is the same day).

    Answered from ``due_on`` to ``closes_on``; unanswered after that, it is missed.

    Made when the procedure's activity is marked done while shown to the patient, re-dated
    while unanswered when its day changes, cancelled (``cancelled_at``) while unanswered
    when it is reopened, hidden from the patient or deleted (made again for the days not
    answered when it is shown again). An answer (``answered_at``, ``pain``,
    ``relief_percent``) is never changed, and outlives the activity: the procedure, its
    title and day are kept on the row."""

    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="procedure_follow_ups"
    )
    activity = models.ForeignKey(
        "careteam.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    procedure = models.CharField(max_length=32, choices=Procedure.choices)
    activity_title = models.CharField(max_length=200)
    done_on = models.DateField("procedure done on")
    day_offset = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    # The last day an answer is taken (``services.procedure_followups.answer_closes_on``):
    # pain recalled long after the day asked about says little about the procedure. Empty
    # only on a row the release before this field made while nodes restarted one by one
    # (docs/deploy.md): it never closes, as no row did then.
    closes_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Pain on the 0-10 numeric rating scale (LOINC 72514-3), and relief in percent.
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    relief_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ProcedureFollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["done_on", "activity_id", "day_offset", "pk"]
        indexes = [
            # The patient's to-do list and the team's overdue counts.
            models.Index(
                fields=["plan", "due_on"],
                condition=Q(answered_at__isnull=True, cancelled_at__isnull=True),
                name="pp_followup_open_by_plan",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "day_offset"],
                condition=Q(cancelled_at__isnull=True),
                name="pp_followup_one_live_per_offset",
            ),
            models.CheckConstraint(
                condition=Q(pain__isnull=True) | Q(pain__lte=10), name="pp_followup_pain_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(relief_percent__isnull=True) | Q(relief_percent__lte=100),
                name="pp_followup_relief_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True)
                | Q(pain__isnull=False, relief_percent__isnull=False, cancelled_at__isnull=True),
                name="pp_followup_answered_in_full_and_not_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.pk}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_open(self) -> bool:
        return not self.is_answered and not self.is_cancelled

    def is_due(self, today: datetime.date) -> bool:
        """Open for an answer on ``today`` (a local calendar date)."""
        return self.is_open and self.due_on <= today and not closed_before(self.closes_on, today)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_due(today) and self.due_on < today

    def is_missed(self, today: datetime.date) -> bool:
        return self.is_open and closed_before(self.closes_on, today)

    @property
    def when_label(self) -> str:
        """The time since the procedure as people say it: "the same day", "2 weeks"."""
        return offset_label(self.day_offset)


# Whole weeks that people call months.
WEEKS_AS_MONTHS = {13: 3, 26: 6, 39: 9, 52: 12}


def offset_label(days: int) -> str:
    """ "the same day", "1 day", "2 weeks", "3 months" (13 weeks), else "N days"."""
    if days == 0:
        return "the same day"
    weeks, extra = divmod(days, 7)
    if not extra and weeks in WEEKS_AS_MONTHS:
        return f"{WEEKS_AS_MONTHS[weeks]} months"
    if not extra:
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"
