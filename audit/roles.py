"""The application's database role on PostgreSQL: what it may do, granted by the owner.

Use ``grant_app_role(connection, "clinic_app")`` (``manage.py grant_app_role clinic_app``,
run as the tables' owner after every ``migrate``): the role gets SELECT, INSERT, UPDATE and
DELETE on every table in the schema (and on tables the owner creates later, through default
privileges), and on sequences what INSERT needs, except:

- the audit table: SELECT and INSERT only (no UPDATE, DELETE, TRUNCATE, REFERENCES or
  TRIGGER; not being the owner, it cannot ALTER the table or disable its triggers), and
  USAGE only on its id sequence;
- ``django_migrations``: SELECT only.

``problems_with_app_role`` lists what makes a role unfit to run the application (it owns
the audit table, is a superuser, or inherits the owner's rights).
"""

from __future__ import annotations

import re

from django.db.backends.base.base import BaseDatabaseWrapper

AUDIT_TABLE = "audit_auditevent"
READ_ONLY_TABLES = ("django_migrations",)
ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


class RoleError(ValueError):
    """The role cannot be used as the application's role; the message says why."""


def _quote(connection: BaseDatabaseWrapper, role: str) -> str:
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain PostgreSQL role name.")
    return connection.ops.quote_name(role)


def role_exists(connection: BaseDatabaseWrapper, role: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cursor.fetchone() is not None


def problems_with_app_role(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Why ``role`` would have more rights than the application's role may have."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT r.rolsuper, r.rolbypassrls, pg_has_role(r.rolname, t.tableowner, 'MEMBER')"
            " FROM pg_roles r, pg_tables t"
            " WHERE r.rolname = %s AND t.tablename = %s AND t.schemaname = current_schema()",
            [role, AUDIT_TABLE],
        )
        row = cursor.fetchone()
    if row is None:
        return [f"the role {role} or the table {AUDIT_TABLE} does not exist (run migrate first)"]
    superuser, bypass_rls, owner_rights = row
    problems = []
    if superuser:
        problems.append(f"{role} is a superuser")
    if bypass_rls:
        problems.append(f"{role} bypasses row-level security")
    if owner_rights:
        problems.append(f"{role} owns {AUDIT_TABLE} or is a member of its owner")
    return problems


def grant_app_role(connection: BaseDatabaseWrapper, role: str) -> None:
    """Give ``role`` the application's rights in the current schema (see the module
    docstring). Run it as the owner of the tables; idempotent. PostgreSQL only."""
    if connection.vendor != "postgresql":
        raise RoleError("Database roles are for PostgreSQL; this database has none.")
    quoted = _quote(connection, role)
    problems = problems_with_app_role(connection, role)
    if problems:
        raise RoleError(f"Refusing to use {role} as the application's role: {'; '.join(problems)}.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema(), pg_get_serial_sequence(%s, 'id')", [AUDIT_TABLE])
        schema, audit_sequence = cursor.fetchone()
        schema = connection.ops.quote_name(schema)
        statements = [
            f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
            f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
            f"REVOKE ALL ON TABLE {AUDIT_TABLE} FROM {quoted}, PUBLIC",
            f"GRANT SELECT, INSERT ON TABLE {AUDIT_TABLE} TO {quoted}",
        ]
        for table in READ_ONLY_TABLES:
            statements += [
                f"REVOKE ALL ON TABLE {table} FROM {quoted}, PUBLIC",
                f"GRANT SELECT ON TABLE {table} TO {quoted}",
            ]
        if audit_sequence:  # pg_get_serial_sequence quotes the name where needed
            statements += [
                f"REVOKE ALL ON SEQUENCE {audit_sequence} FROM {quoted}, PUBLIC",
                f"GRANT USAGE ON SEQUENCE {audit_sequence} TO {quoted}",
            ]
        for statement in statements:
            cursor.execute(statement)
