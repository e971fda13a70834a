"""On PostgreSQL every test runs with the application's real database rights.

Nothing to call: listed in ``tests/conftest.py``'s ``pytest_plugins``, this module extends
pytest-django's ``django_db_setup``. The test database is created and migrated as
``DATABASE_URL``'s role (the owner, as ``manage.py migrate`` would be); then the restricted
role ``settings.TEST_DATABASE_APP_ROLE`` (default ``clinic_app``) gets the application's
grants (``audit.roles.grant_app_role``, what ``manage.py grant_app_role`` runs) and every
connection to the test database, the main one and any a thread opens, does ``SET ROLE`` to
it. So a test that tried what the application may not (TRUNCATE the audit table, DELETE from
it, ALTER it) fails here as it would in production.

The role is created (NOLOGIN) when missing and the connecting role may create roles (a
superuser, as in the README's command); ``.ci/run`` creates it and makes the owner a member.

A test that must act as the owner (to tamper with the trail and show it is detected) wraps
that in ``with table_owner_rights():`` inside its transaction. Tests with
``transaction=True`` cannot run here: Django's flush TRUNCATEs the audit table.

On SQLite nothing changes (it has no roles); ``app_db_role`` is then None.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created

from audit.roles import grant_app_role, role_exists

_state: dict[str, Any] = {"role": None, "database": None}


def _quoted_role() -> str:
    return connection.ops.quote_name(_state["role"])


def _create_role_if_missing(role: str) -> None:
    if role_exists(connection, role):
        return
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        (may_create,) = cursor.fetchone()
        if not may_create:
            pytest.exit(
                f"Tests on PostgreSQL run as the application's role {role!r}, which does not "
                f"exist. Create it (CREATE ROLE {role} NOLOGIN; GRANT {role} TO <your role>), "
                "connect as a superuser, or set TEST_DATABASE_APP_ROLE.",
                returncode=2,
            )
        # Another test run on the same server may create it at the same moment.
        cursor.execute(
            f"DO $$ BEGIN CREATE ROLE {quoted} NOLOGIN; "
            "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        )


def _set_role(conn: BaseDatabaseWrapper) -> None:
    with conn.cursor() as cursor:
        cursor.execute(f"SET ROLE {_quoted_role()}")


def _on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if (
        connection.alias == DEFAULT_DB_ALIAS
        and connection.vendor == "postgresql"
        and connection.settings_dict["NAME"] == _state["database"]
    ):
        _set_role(connection)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django's set-up, then (PostgreSQL) the switch to the application's role."""
    if connection.vendor != "postgresql":
        yield
        return
    role = settings.TEST_DATABASE_APP_ROLE
    with django_db_blocker.unblock():
        _create_role_if_missing(role)
        grant_app_role(connection, role)
        _state.update(role=role, database=connection.settings_dict["NAME"])
        try:
            _set_role(connection)
        except Exception as error:  # reported with what to do, then the run stops
            pytest.exit(
                f"Cannot SET ROLE {role}: {error}. Make your role a member "
                f"(GRANT {role} TO <your role>) or connect as a superuser.",
                returncode=2,
            )
        connection_created.connect(_on_connection_created, dispatch_uid="tests_app_role")
    yield
    connection_created.disconnect(dispatch_uid="tests_app_role")
    with django_db_blocker.unblock():
        for conn in connections.all(initialized_only=True):
            if conn.vendor == "postgresql" and conn.connection is not None:
                with conn.cursor() as cursor:
                    cursor.execute("RESET ROLE")
    _state.update(role=None, database=None)


@pytest.fixture
def app_db_role(db) -> str | None:
    """The role tests run as on PostgreSQL; None on SQLite."""
    return _state["role"]


@contextmanager
def table_owner_rights() -> Iterator[None]:
    """Inside a test's transaction: the connecting role's (the owner's) rights for the block,
    then the application's again. Does nothing on SQLite."""
    if _state["role"] is None:
        yield
        return
    # A savepoint: if the block fails, rolling back to it restores the role by itself.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE NONE")
        yield
        cursor.execute(f"SET LOCAL ROLE {_quoted_role()}")
