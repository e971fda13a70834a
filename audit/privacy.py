"""Who reviews the audit trail across all plans: the "Privacy officers" group.

Use ``privacy_officers()`` for the active members (e.g. to notify them) and
``is_privacy_officer(user)`` to gate the audit viewer; ``PRIVACY_OFFICERS_GROUP`` is the
group's name (created by a data migration of this app). Membership is managed by a clinic
administrator in the Wagtail admin's Users; being a superuser does not make one an officer.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

PRIVACY_OFFICERS_GROUP = "Privacy officers"


def privacy_officers() -> QuerySet[Any]:
    """Active users in the "Privacy officers" group, ordered by username."""
    user_model = get_user_model()
    return user_model.objects.filter(is_active=True, groups__name=PRIVACY_OFFICERS_GROUP).order_by(
        user_model.USERNAME_FIELD
    )


def is_privacy_officer(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """Whether ``user`` is an active, logged-in member of the "Privacy officers" group.
    One query, remembered on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    cached = getattr(user, "_is_privacy_officer", None)
    if cached is None:
        cached = privacy_officers().filter(pk=user.pk).exists()
        user._is_privacy_officer = cached  # type: ignore[union-attr]
    return cached
