"""Behaviour shared by article and treatment pages."""

import datetime

from django.db import models
from django.utils import timezone


class MedicalReviewMixin(models.Model):
    """Dates of the last clinical review and when the content must be checked again."""

    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_review_expired(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < _today()


def _today() -> datetime.date:
    return timezone.localdate()
