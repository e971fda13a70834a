"""A flare: the patient said their pain has flared, and later that it has settled."""

from django.db import models

from .submissions import SubmittedOnce


class Flare(SubmittedOnce):
    """From the patient's "I'm having a flare" to their "My flare is over" (``ended_at``
    empty while it lasts; a patient has at most one open flare). Shared, like a check-in,
    with the plans current when it began: only their teams see it."""

    patient = models.ForeignKey("careteam.Patient", on_delete=models.CASCADE, related_name="flares")
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    plans = models.ManyToManyField(
        "careteam.CarePlan", blank=True, related_name="flares", verbose_name="shared with"
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=models.Q(ended_at__isnull=True),
                name="pp_flare_one_open_per_patient",
            ),
            models.UniqueConstraint(
                fields=["patient", "submission_key"], name="pp_flare_submitted_once"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="pp_flare_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"Flare {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
