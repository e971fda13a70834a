"""Password reset links: single-use (tied to the password hash and last login, like Django's)
and valid for ``ACCOUNTS_PASSWORD_RESET_TIMEOUT`` seconds, shorter than the patient
invitation links that share Django's ``PASSWORD_RESET_TIMEOUT``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.http import base36_to_int


class ResetTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.tokens.ResetTokenGenerator"

    def check_token(self, user, token: str | None) -> bool:
        if not super().check_token(user, token):
            return False
        issued = base36_to_int(token.split("-")[0])
        return self._num_seconds(self._now()) - issued <= settings.ACCOUNTS_PASSWORD_RESET_TIMEOUT


reset_token_generator = ResetTokenGenerator()
