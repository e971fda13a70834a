"""Import a CarePlan Bundle from another system as a new draft plan, from the command line:

    python manage.py import_fhir bundle.json --as dr.lee

The same import as ``POST /fhir/Bundle`` (``fhir_server.importing``), as the named user,
whom the policy must let start a plan for the Bundle's patient. Prints the new plan's id,
then a one-line summary; on a refusal, exits non-zero with the ``OperationOutcome``'s
diagnostics, one issue a line.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from careteam.services import CareAccessDenied
from fhir_server.importing import MAX_BODY_BYTES, BundleRefused, import_bundle, too_large


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            body = file.read(MAX_BODY_BYTES + 1)
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}") from None
    if len(body) > MAX_BODY_BYTES:
        raise CommandError(too_large().issues[0].diagnostics)
    return body


class Command(BaseCommand):
    help = "Import a FHIR transaction Bundle holding a CarePlan as a new draft care plan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The Bundle, as FHIR JSON.")
        parser.add_argument(
            "--as", dest="username", required=True, help="The physician importing it."
        )

    def handle(self, *args, file: Path, username: str, **options) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user is called {username!r}.")
        try:
            _spec, imported = import_bundle(user, _read(file))
        except BundleRefused as refusal:
            lines = "\n".join(issue.diagnostics for issue in refusal.issues)
            raise CommandError(f"The Bundle was not imported:\n{lines}") from None
        except CareAccessDenied as denied:
            raise CommandError(f"Not allowed: {denied}") from None
        except ValidationError as error:
            raise CommandError("The plan was not saved: " + " ".join(error.messages)) from None
        self.stdout.write(str(imported.plan.pk))
        self.stdout.write(imported.summary)
