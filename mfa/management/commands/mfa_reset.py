"""``manage.py mfa_reset USERNAME``: a user lost their phone and their recovery codes.

Deletes their authenticator app, recovery codes and remembered browsers (recorded in the
audit trail); staff are asked to set up a new phone at their next page, after their password.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.models import AuditAction
from audit.services import record_event
from mfa.devices import remove_second_factor
from mfa.remember import forget_browsers


class Command(BaseCommand):
    help = "Remove a user's second factor (authenticator app, recovery codes, browsers)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        remove_second_factor(user)
        forget_browsers(user)
        record_event(
            None,
            AuditAction.DELETED,
            user,
            detail={"what": "second factor reset by an administrator", "username": username},
        )
        self.stdout.write(f"{username}'s second factor is removed; they set up a new one next.")
