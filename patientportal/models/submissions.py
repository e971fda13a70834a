"""What every row a patient-portal form creates keeps of the form that created it."""

from django.db import models


class SubmittedOnce(models.Model):
    """A row created from a form that carried a one-time key (patientportal.forms). The same
    submission sent again (a double click, a refresh, a retry after an error) finds this row
    instead of storing another (patientportal.services.submissions). Each model makes the
    key unique per patient or plan; rows made without a form (demo data, imports) have none.
    """

    submission_key = models.UUIDField(null=True, blank=True, editable=False)
    # SHA-256 of what was submitted: the same key with other answers is refused.
    submission_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True
