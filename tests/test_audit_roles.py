"""Separate database roles: the application's role may only read and add audit events, and
``migrate``/``grant_app_role`` connect as the owner. On PostgreSQL these tests (like every
other test) run as the application's role; see tests/audit_role_fixtures.py."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import AuditEvent
from audit.roles import RoleError, grant_app_role
from audit.services import record_event
from config.settings.database import database_url_variable

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has no database roles"
)

REFUSED_AS_APP_ROLE = [
    "TRUNCATE audit_auditevent",
    "DELETE FROM audit_auditevent",
    "UPDATE audit_auditevent SET detail = '{}'",
    # The flag that lets the (owner's) linking function fill chain fields does not help.
    "SELECT set_config('audit.linking', 'on', true); UPDATE audit_auditevent SET chain_seq = 1",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
    "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER audit_event_link ON audit_auditevent",
    "SET session_replication_role = replica",
]


def run_refused(sql: str) -> str:
    """Run ``sql``, expecting a refusal; the error's message."""
    with (
        pytest.raises(DatabaseError) as refused,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    return str(refused.value)


@on_postgresql
def test_tests_run_as_the_applications_role(app_db_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, session_user")
        current, session = cursor.fetchone()
    assert current == app_db_role != session


@on_postgresql
@pytest.mark.parametrize("sql", REFUSED_AS_APP_ROLE)
def test_the_application_cannot_empty_alter_or_rewrite_the_audit_table(app_db_role, sql):
    record_event(None, "denied", None, detail={"reason": "kept"})
    message = run_refused(sql)
    assert "permission denied" in message or "must be owner" in message, message
    assert AuditEvent.objects.filter(detail__reason="kept").exists()


@on_postgresql
def test_the_application_role_holds_only_select_and_insert_on_the_audit_table(app_db_role):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p, has_table_privilege(%s, 'audit_auditevent', p) FROM unnest(ARRAY["
            "'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) p",
            [app_db_role],
        )
        audit = dict(cursor.fetchall())
        cursor.execute(
            "SELECT p, has_table_privilege(%s, 'careteam_careplan', p) FROM unnest(ARRAY["
            "'SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) p",
            [app_db_role],
        )
        plans = dict(cursor.fetchall())
    assert audit == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": False,
        "DELETE": False,
        "TRUNCATE": False,
        "REFERENCES": False,
        "TRIGGER": False,
    }
    assert plans == {
        "SELECT": True,
        "INSERT": True,
        "UPDATE": True,
        "DELETE": True,
        "TRUNCATE": False,
    }


@on_postgresql
def test_the_application_role_still_records_and_reads_events(app_db_role):
    event = record_event(None, "viewed", None, plan=9, detail={"what": "plan"})
    assert AuditEvent.objects.get(pk=event.pk).care_plan_id == 9


@on_postgresql
def test_granting_refuses_the_owner_or_a_superuser_as_the_application_role(app_db_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_user")
        (owner,) = cursor.fetchone()
    with pytest.raises(RoleError, match="Refusing to use"):
        grant_app_role(connection, owner)
    with pytest.raises(RoleError, match="not a plain PostgreSQL role name"):
        grant_app_role(connection, 'clinic_app"; DROP TABLE audit_auditevent; --')


@pytest.mark.skipif(connection.vendor != "sqlite", reason="what SQLite answers")
@pytest.mark.django_db
def test_grant_app_role_has_nothing_to_do_on_sqlite():
    out = StringIO()
    call_command("grant_app_role", "clinic_app", stdout=out)
    assert "Nothing to grant" in out.getvalue()


def test_migrate_and_grant_app_role_connect_as_the_owner_when_it_is_set(monkeypatch):
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgres://owner@db/clinic")
    assert database_url_variable(["manage.py", "migrate"]) == "MIGRATION_DATABASE_URL"
    assert database_url_variable(["manage.py", "grant_app_role", "x"]) == "MIGRATION_DATABASE_URL"
    for argv in (["manage.py", "runserver"], ["gunicorn"], ["manage.py", "verify_audit"]):
        assert database_url_variable(argv) == "DATABASE_URL"
    monkeypatch.delenv("MIGRATION_DATABASE_URL")
    assert database_url_variable(["manage.py", "migrate"]) == "DATABASE_URL"
