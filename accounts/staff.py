"""Who counts as staff: the one definition the staff password length, the staff idle timeout
(``accounts.sessions``) and the second-factor requirement (``mfa.policy``) all use.

    is_staff(user)

Staff are the people who work here, whatever they reach: a staff flag or superuser; one of
the profiles in ``ACCOUNTS_STAFF_PROFILES`` (relation names on the user, e.g.
"provider_profile", so this app imports no app that defines them); a group in
``ACCOUNTS_STAFF_GROUPS`` (the privacy officers, who read every plan's audit trail); or
Wagtail admin access (editors, reviewers). Everyone else (patients) is not.

Cost: the flags none; then one query for the profiles and groups together; then the user's
permission cache (two queries the first time, shared with every other permission check on
that user object). Callers that need the answer on every request keep it in the session:
the idle timeout is set once at login, and ``mfa.session`` notes it at login.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractUser, AnonymousUser

STAFF_PERMISSION = "wagtailadmin.access_admin"


def _has_staff_profile_or_group(user: AbstractUser) -> bool:
    condition = Q()
    for relation in settings.ACCOUNTS_STAFF_PROFILES:
        condition |= Q(**{f"{relation}__isnull": False})
    if settings.ACCOUNTS_STAFF_GROUPS:
        condition |= Q(groups__name__in=settings.ACCOUNTS_STAFF_GROUPS)
    if not condition:
        return False
    return get_user_model().objects.filter(condition, pk=user.pk).exists()


def is_staff(user: AbstractUser | AnonymousUser | None) -> bool:
    """Whether ``user`` works here (see the module's description). An anonymous visitor is
    not; a user not yet saved counts by its flags alone."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if user.pk is None:
        return False
    return _has_staff_profile_or_group(user) or user.has_perm(STAFF_PERMISSION)
