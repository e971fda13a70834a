"""Who must use a second factor.

    must_enrol(user)           # staff, when settings.MFA_REQUIRED_FOR_STAFF is true

Staff are who ``accounts.staff.is_staff`` says: providers, editors, reviewers, privacy
officers and administrators, the same people who need the longer password and the shorter
idle timeout. Anyone else (patients) may enrol one of their own free will.
"""

from __future__ import annotations

from django.conf import settings

from accounts.staff import is_staff


def second_factor_required(staff: bool) -> bool:
    """Whether a user of this kind must have a second factor, under the current settings."""
    return staff and bool(getattr(settings, "MFA_REQUIRED_FOR_STAFF", True))


def must_enrol(user) -> bool:
    return second_factor_required(is_staff(user))
