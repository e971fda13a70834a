"""Bookkeeping shared by the editable parts of a plan."""

from django.conf import settings
from django.db import models


class Versioned(models.Model):
    """A record saved only against the version its editor saw (see
    careteam.services._common.update_versioned): a stale save is refused, not applied."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


class VersionedRecord(Versioned):
    """Who made and last changed a record, when, and its version."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
