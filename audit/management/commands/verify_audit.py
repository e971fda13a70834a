"""``python manage.py verify_audit``: walk the audit trail's hash chain (``audit.chain``).

Prints ``OK: N audit events, head <hash>`` and exits 0, or names the first broken row and
why, and exits 1. Keep the printed head somewhere outside the database (a ticket, the backup
log): a later run whose chain does not pass through it shows a rewritten trail.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exit 1 naming the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, database: str, **options) -> None:
        report = verify_chain(database)
        if not report.ok:
            raise CommandError(
                f"Broken at audit event {report.broken_id}: {report.reason}. "
                f"The {report.count} events before it are intact."
            )
        self.stdout.write(f"OK: {report.count} audit events, head {report.head or '(empty)'}")
