"""The password reset request form: Django's, sending through a background task."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from .tasks import send_password_reset_email


class ResetRequestForm(PasswordResetForm):
    """Same answer whatever the address. Django's ``get_users`` finds only active logins
    with a usable password, so a switched-off patient login is never sent a link."""

    def save(self, *args, **kwargs) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            transaction.on_commit(partial(send_password_reset_email.enqueue, user.pk))
