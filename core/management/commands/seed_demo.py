"""Build the demo site: content, care teams and patients, by asking each installed app.

An app takes part by naming its seeder on its AppConfig, as a dotted path::

    class CareteamConfig(AppConfig):
        demo_seeder = "careteam.demo.seed_care_teams"

Seeders run in INSTALLED_APPS order (content, then care teams, then patients, each building
on the one before). Each takes the command's ``stdout`` writer and ``reset``, writes what it
created and what it left alone, and returns the demo logins as (username, who) pairs.

Without ``reset`` a seeder only adds what is missing: pages, users and plans that already
exist stay exactly as they are, edits and unpublished drafts included, so running this twice
changes nothing. With ``reset`` it deletes the demo content it owns and builds it again, and
gives the demo users back their demo names and password.
"""

from __future__ import annotations

from typing import Protocol, TextIO

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from core.demo_users import demo_password


class Seeder(Protocol):
    def __call__(self, stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]] | None: ...


def demo_seeders() -> list[tuple[str, Seeder]]:
    """(app label, seeder) for every installed app that has one, in INSTALLED_APPS order."""
    return [
        (config.label, import_string(config.demo_seeder))
        for config in apps.get_app_configs()
        if getattr(config, "demo_seeder", None)
    ]


class Command(BaseCommand):
    help = (
        "Add whatever is missing from the demo site and demo users, leaving existing and "
        "edited ones alone; --reset rebuilds the demo (development only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help=(
                "Delete the demo's own pages, patients and plans and build them again, and "
                "restore the demo users' names and password. Edits to them are lost."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off. Never use this on a real clinic's database.",
        )

    def handle(self, *args, reset: bool = False, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with a known password, so it only runs with "
                "DEBUG on. Pass --force if this really is a throwaway database."
            )
        logins: list[tuple[str, str]] = []
        with transaction.atomic():
            for _label, seeder in demo_seeders():
                logins.extend(seeder(self.stdout, reset=reset) or [])
        done = "rebuilt" if reset else "ready"
        self.stdout.write(self.style.SUCCESS(f"Demo site {done} at http://127.0.0.1:8000/"))
        if logins:
            note = "" if reset else "; a user that already existed keeps its own"
            self.stdout.write(f"Demo logins (password: {demo_password()}{note}):")
            width = max(len(username) for username, _ in logins)
            for username, who in logins:
                self.stdout.write(f"  {username.ljust(width)}  {who}")
