"""``python manage.py verify_audit``: walk the audit trail's hash chain (``audit.chain``).

Prints ``OK: N audit events, head <hash>`` and exits 0, or names the first broken row and
why, and exits 1. Keep the printed head somewhere outside the database (a ticket, the backup
log) and give it to a later run as ``--kept-head <hash>``: if the chain no longer passes
through it, rows were removed from the end or the trail was rewritten, which the chain
alone cannot show.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from audit.chain import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain; exit 1 naming the first broken row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument(
            "--kept-head",
            metavar="HASH",
            help="A head an earlier run printed; fail unless the chain still passes through it.",
        )

    def handle(self, *args, database: str, kept_head: str | None, **options) -> None:
        report = verify_chain(database, kept_head)
        if not report.ok:
            raise CommandError(
                f"Broken at audit event {report.broken_id}: {report.reason}. "
                f"The {report.count} events before it are intact."
            )
        if report.passed_kept_head is False:
            raise CommandError(
                f"The head you kept ({kept_head}) is not on the chain: events were removed "
                "from its end, or the whole trail after some point was rewritten."
            )
        self.stdout.write(f"OK: {report.count} audit events, head {report.head or '(empty)'}")
