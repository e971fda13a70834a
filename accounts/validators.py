"""Password rules beyond Django's four, listed in ``AUTH_PASSWORD_VALIDATORS``.

- ``StrengthValidator``: zxcvbn's estimate of how guessable the password is, with the user's
  own names, username and email as words an attacker would try first; a score below
  ``min_score`` (0-4) is refused with zxcvbn's advice.
- ``StaffMinimumLengthValidator``: a longer minimum for staff logins (``accounts.staff``:
  providers, editors, privacy officers, administrators); patients keep Django's minimum.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext
from zxcvbn import zxcvbn

from .staff import is_staff

# zxcvbn refuses longer input; the first 72 characters decide.
ZXCVBN_MAX_LENGTH = 72
SEPARATORS = re.compile(r"[\W_]+")


def user_words(user) -> list[str]:
    """What an attacker who knows the person tries first: names, username, email."""
    if user is None:
        return []
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    email = (getattr(user, "email", "") or "").strip()
    local = email.split("@", 1)[0]
    words = [user.get_username(), first, last, email, local, *SEPARATORS.split(local)]
    words += [f"{first}{last}", f"{last}{first}", f"{first} {last}"]
    return [word.lower() for word in dict.fromkeys(words) if word.strip()]


def _uses_own_words(result: dict) -> bool:
    return any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"])


class StrengthValidator:
    """Refuse passwords zxcvbn scores below ``min_score``, counting the user's own words."""

    def __init__(self, min_score: int = 3) -> None:
        self.min_score = min_score

    def score(self, password: str, user=None) -> tuple[int, dict]:
        words = user_words(user) + [settings.WAGTAIL_SITE_NAME.lower()]
        checked = password[:ZXCVBN_MAX_LENGTH]
        result = zxcvbn(checked, user_inputs=words)
        # zxcvbn counts separators as random characters, so "sam-ortiz-2026" scores high.
        # Without them, a password built from the user's own words shows what it is.
        joined = SEPARATORS.sub("", checked)
        if joined and joined != checked:
            without = zxcvbn(joined, user_inputs=words)
            if without["score"] < result["score"] and _uses_own_words(without):
                result = without
        return result["score"], result["feedback"]

    def validate(self, password: str, user=None) -> None:
        score, feedback = self.score(password, user)
        if score >= self.min_score:
            return
        advice = " ".join(filter(None, [feedback.get("warning"), *feedback.get("suggestions", [])]))
        message = "This password is too easy to guess."
        if advice:
            message = f"{message} {advice}"
        raise ValidationError(message, code="password_too_guessable")

    def get_help_text(self) -> str:
        return (
            "Your password must be hard to guess: not built from your name, username or email "
            "address, a date or a common word. A few unrelated words make a good one."
        )


class StaffMinimumLengthValidator:
    """Staff logins need at least ``min_length`` characters (default from settings:
    ``ACCOUNTS_STAFF_PASSWORD_MIN_LENGTH``)."""

    def __init__(self, min_length: int | None = None) -> None:
        self.min_length = min_length or settings.ACCOUNTS_STAFF_PASSWORD_MIN_LENGTH

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length and is_staff(user):
            raise ValidationError(
                ngettext(
                    "Staff passwords must contain at least %(min_length)d character.",
                    "Staff passwords must contain at least %(min_length)d characters.",
                    self.min_length,
                )
                % {"min_length": self.min_length},
                code="password_too_short_for_staff",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"Staff passwords need at least {self.min_length} characters."
