"""Who must use a second factor.

    is_staff_member(user)      # a provider, an editor, a reviewer, a Wagtail admin
    must_enrol(user)           # staff, when settings.MFA_REQUIRED_FOR_STAFF is true

Anyone else (patients) may enrol one of their own free will. A provider is a user with a
``provider_profile`` (named as a relation, so this app imports no app above it); editors,
reviewers and superusers hold ``wagtailadmin.access_admin``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model

STAFF_PROFILE_RELATIONS = ("provider_profile",)
STAFF_PERMISSIONS = ("wagtailadmin.access_admin",)


def _has_staff_profile(user) -> bool:
    model = get_user_model()
    relations = [name for name in STAFF_PROFILE_RELATIONS if _is_relation(model, name)]
    if not relations:
        return False
    row = model.objects.filter(pk=user.pk).values_list(*(f"{r}__pk" for r in relations)).first()
    return row is not None and any(pk is not None for pk in row)


def _is_relation(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())


def is_staff_member(user) -> bool:
    """Whether the user works here: a staff profile, or a staff permission."""
    if user is None or not user.is_authenticated:
        return False
    return _has_staff_profile(user) or any(user.has_perm(perm) for perm in STAFF_PERMISSIONS)


def second_factor_required(is_staff: bool) -> bool:
    """Whether a user of this kind must have a second factor, under the current settings."""
    return is_staff and bool(getattr(settings, "MFA_REQUIRED_FOR_STAFF", True))


def must_enrol(user) -> bool:
    return second_factor_required(is_staff_member(user))
