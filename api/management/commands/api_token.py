"""API tokens from the command line, for the system administrator:

    python manage.py api_token create USERNAME --name "Hospital EHR" [--days 90]
    python manage.py api_token list USERNAME
    python manage.py api_token revoke USERNAME --name "Hospital EHR"

``create`` prints the token once; it is stored only as a digest.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.models import ApiToken
from api.tokens import create_token, revoke_token, tokens_of

DEFAULT_DAYS = 90
VIA = "manage.py api_token"  # what the audit trail says made or revoked the token


class Command(BaseCommand):
    help = "Make, list or revoke a user's API tokens (a new token is printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=("create", "list", "revoke"))
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=DEFAULT_DAYS,
            help=f"Days it works, 1 to {settings.API_TOKEN_MAX_DAYS} (default {DEFAULT_DAYS}).",
        )

    def handle(self, *args, action: str, username: str, name: str, days: int, **options) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username!r}.")
        if action == "create":
            try:
                made = create_token(user, name=name, days=days, via=VIA)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(made.secret)
            self.stderr.write(
                f"Token “{made.token.name}” for {username}, until "
                f"{made.token.expires_at:%Y-%m-%d %H:%M %Z}. It is not shown again."
            )
        elif action == "list":
            for token in tokens_of(user):
                state = "usable" if token.is_usable else "expired"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                until = f"{token.expires_at:%Y-%m-%d}"
                self.stdout.write(f"{token.prefix}…\t{token.name}\t{state} until {until}\t{used}")
        else:
            found = ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True).first()
            if found is None:
                raise CommandError(f"{username} has no token called {name!r}.")
            revoke_token(found, user, via=VIA)
            self.stdout.write(f"Revoked “{name}”.")
