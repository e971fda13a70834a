"""``python manage.py grant_app_role ROLE``: give the application's PostgreSQL role its rights.

Run it after every ``migrate``, as the tables' owner: with ``MIGRATION_DATABASE_URL`` set,
this command (like ``migrate``) connects with it instead of ``DATABASE_URL``. The role gets
normal rights on every table and only SELECT and INSERT on the audit trail
(``audit.roles``). It refuses a role that is a superuser or owns the tables.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from audit.roles import RoleError, grant_app_role, role_exists


class Command(BaseCommand):
    help = "Grant the application's database role its rights (PostgreSQL; run as the owner)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the role DATABASE_URL connects as, e.g. clinic_app")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role: str, database: str, **options) -> None:
        connection = connections[database]
        if connection.vendor != "postgresql":
            self.stdout.write(f"Nothing to grant: {connection.vendor} has no database roles.")
            return
        if not role_exists(connection, role):
            raise CommandError(f"There is no database role {role!r}; create it first.")
        try:
            grant_app_role(connection, role)
        except RoleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{role} may now read and write the application's tables, and only read and add "
            "audit events."
        )
