"""Education pages a care team assigns to a patient, and what the patient made of them."""

from django.conf import settings
from django.db import models

from .submissions import SubmittedOnce


class ReadingAssignment(SubmittedOnce):
    plan = models.ForeignKey(
        "careteam.CarePlan", on_delete=models.CASCADE, related_name="reading_assignments"
    )
    # Kept (with the title) if an editor later deletes the page: the record of what the
    # patient was asked to read must survive.
    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="reading_assignments",
    )
    page_title = models.CharField(max_length=255)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reading_assigned"
    )
    note = models.TextField(blank=True, help_text="Why this is worth reading, for the patient.")
    due_date = models.DateField(null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    helpful = models.BooleanField(null=True, blank=True)
    feedback = models.TextField(blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    contraindication_warning_confirmed = models.BooleanField(default=False)
    # Names of the contraindication tags the assigner confirmed, as they were at the time.
    confirmed_conflicts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-assigned_at", "-pk"]
        indexes = [models.Index(fields=["plan", "read_at"], name="pp_reading_plan_read")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "page"],
                condition=models.Q(read_at__isnull=True),
                name="pp_one_unread_assignment_per_page",
            ),
            models.UniqueConstraint(
                fields=["plan", "submission_key"], name="pp_reading_submitted_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Reading: {self.page_title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
