"""A questionnaire the patient answered (any instrument of ``questionnaires``), as scored then.

The ODI's results were kept as ``OdiResponse`` before every instrument could be stored;
migration 0007 renamed that table to this one, so the old rows, their ids and the audit
events that name them carried over as they were.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from questionnaires.instruments import INSTRUMENTS, Instrument, get_instrument

from .submissions import SubmittedOnce


def instrument_choices() -> list[tuple[str, str]]:
    """The registry's instruments (a callable, so a new instrument needs no migration)."""
    return [(code, instrument.title) for code, instrument in INSTRUMENTS.items()]


class QuestionnaireResult(SubmittedOnce):
    """One completed questionnaire: the answers as the engine takes them
    (``questionnaires.answers``) and what scoring made of them at the time. Shared, like a
    check-in, with the plans current when the patient answered: only their teams see it."""

    patient = models.ForeignKey(
        "careteam.Patient", on_delete=models.CASCADE, related_name="questionnaire_results"
    )
    instrument = models.CharField(max_length=16, choices=instrument_choices)
    completed_at = models.DateTimeField(db_index=True)
    answers = models.JSONField(
        help_text="Item key to answer (a number, or a name and a number); null when skipped."
    )
    # A whole number (a sum, a percentage) or a mean to one decimal place (PEG, PSFS).
    total = models.DecimalField(max_digits=5, decimal_places=1)
    # The band's label for the care team when it was scored; blank without bands.
    band = models.CharField(max_length=64, blank=True)
    answered = models.PositiveSmallIntegerField(help_text="Items answered.")
    # A safety item (PHQ-9's self-harm item) was answered with anything but its safe value.
    safety_fired = models.BooleanField(default=False)
    plans = models.ManyToManyField(
        "careteam.CarePlan",
        blank=True,
        related_name="questionnaire_results",
        verbose_name="shared with",
    )

    class Meta:
        ordering = ["-completed_at", "-pk"]
        verbose_name = "questionnaire result"
        indexes = [
            models.Index(
                fields=["patient", "instrument", "completed_at"], name="pp_qresult_patient_time"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "submission_key"], name="pp_questionnaire_submitted_once"
            )
        ]

    def __str__(self) -> str:
        # No score: the name shows in the audit trail, which team members read who may
        # not see a mental-health total.
        return f"Questionnaire result {self.pk} ({self.instrument})"

    @property
    def definition(self) -> Instrument:
        return get_instrument(self.instrument)

    @property
    def score(self) -> int | Decimal:
        """The total as the instrument gives it: 32 (not 32.0), or a mean such as 4.3."""
        total = Decimal(self.total)
        return int(total) if total == total.to_integral_value() else total
