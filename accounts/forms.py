"""The accounts forms: the password reset request (Django's, sending through a background
task) and the password asked again before sessions are ended."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import PasswordResetForm

from jobs.handoff import enqueue_in_transaction

from .tasks import send_password_reset_email

PASSWORD_MISSING = "Enter your password to log out a session."
PASSWORD_WRONG = "That password is not right."


class ResetRequestForm(PasswordResetForm):
    """Same answer whatever the address. Django's ``get_users`` finds only active logins
    with a usable password, so a switched-off patient login is never sent a link."""

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue_in_transaction(send_password_reset_email, user.pk)


class ConfirmPasswordForm(forms.Form):
    """The signed-in user's current password, re-entered to end other sessions (ASVS 3.3.4).

    Checked with ``user.check_password``, not ``authenticate()``: the user is already logged
    in, so a wrong password here is not a failed login. It is not written as one, and it does
    not count towards the login lockout (django-axes sees only ``authenticate``), so whoever
    holds a stolen session cannot lock the owner out of logging in from this page. The view
    audits each refusal as 'denied' instead. The price: guesses made here are not slowed by
    the lockout, only by the password hashing.
    """

    password = forms.CharField(
        label="Your password",
        strip=False,
        help_text="Needed to log out any session: all the others, or one of them below.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": PASSWORD_MISSING},
    )

    def __init__(self, user: AbstractBaseUser, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(PASSWORD_WRONG, code="wrong")
        return password
