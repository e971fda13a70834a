"""Whether a login may be deleted, or must be deactivated instead.

    reason = why_kept(user)   # None: it may be deleted

A user who appears in the audit trail is kept: the trail's hash chain covers the actor's id
(``AuditEvent.actor`` is PROTECT). So is one that other records must keep pointing at (a
care-team membership, a note), found by asking Django's deletion collector, so this app
names none of those apps. Deactivating the login instead ends its access and keeps them all.
"""

from __future__ import annotations

from django.db import router
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector

from audit.models import AuditEvent

IN_AUDIT_TRAIL = "they appear in the audit trail, which must keep who did what"
KEPT_BY_RECORDS = "records that must be kept (such as care-team memberships) point to them"


def why_kept(user) -> str | None:
    """Why ``user`` may not be deleted, in words for an administrator; None if it may be."""
    if AuditEvent.objects.filter(actor=user).exists():
        return IN_AUDIT_TRAIL
    collector = Collector(using=router.db_for_write(type(user), instance=user))
    try:
        collector.collect([user])
    except (ProtectedError, RestrictedError):
        return KEPT_BY_RECORDS
    return None
