"""One-time links for a patient's first password.

A token is tied to the account's current password hash, so it stops working once the
password is set, when access is revoked, or when a newer invitation replaces it (each of
those writes a new password value); it expires after ``PASSWORD_RESET_TIMEOUT`` seconds.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "patientportal.tokens.InvitationTokenGenerator"


invitation_token_generator = InvitationTokenGenerator()
