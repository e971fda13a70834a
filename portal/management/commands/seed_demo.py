"""Build the demo site: content, care teams and patients, by running each app's seeder.

Seeders are listed in settings.DEMO_SEEDERS as dotted paths to callables that take the
command's ``stdout`` writer and return the demo logins they made as (username, who) pairs.
Every seeder is idempotent, so running this twice leaves one copy of everything.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from portal.demo_users import demo_password


class Command(BaseCommand):
    help = "Create or refresh the demo site and demo users (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never use this on a real clinic's database.",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password, so it only runs with "
                "DEBUG on. Pass --force if this really is a throwaway database."
            )
        logins: list[tuple[str, str]] = []
        with transaction.atomic():
            for dotted_path in settings.DEMO_SEEDERS:
                seeder = import_string(dotted_path)
                logins.extend(seeder(self.stdout) or [])
        self.stdout.write(self.style.SUCCESS("Demo site ready at http://127.0.0.1:8000/"))
        if logins:
            self.stdout.write(f"Demo logins (password: {demo_password()}):")
            width = max(len(username) for username, _ in logins)
            for username, who in logins:
                self.stdout.write(f"  {username.ljust(width)}  {who}")
