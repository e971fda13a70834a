"""The audit trail's hash chain: every row linked to the one before it by the database, with
the database's clock; ``verify_audit`` says OK or names the first row that was tampered with."""

import datetime
import importlib
import re
import threading
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, canonical_time, content_hash, row_hash, verify_chain
from audit.models import AuditEvent
from audit.services import EventSpec, record_event, record_events
from tests.audit_role_fixtures import table_owner_rights

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's trigger and advisory lock"
)
hash_existing_rows = importlib.import_module(
    "audit.migrations.0004_hash_existing_rows"
).hash_existing_rows


@pytest.fixture
def actor(db):
    assert verify_chain().ok, "the test database's trail was broken before this test"
    return get_user_model().objects.create_user("chain.actor", password="x-test-pass-1")


def link_pending() -> None:
    """Link this test's events now, as COMMIT would (PostgreSQL links at commit; a test's
    transaction never commits). SQLite links at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS audit_event_link IMMEDIATE")
            cursor.execute("SET CONSTRAINTS audit_event_link DEFERRED")


def record_three(actor) -> list[AuditEvent]:
    events = [
        record_event(actor, "viewed", actor, plan=plan_id, detail={"what": "plan", "n": plan_id})
        for plan_id in (1, 2, 3)
    ]
    link_pending()
    return list(AuditEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("chain_seq"))


def tamper(sql: str, params: list) -> None:
    """Change the table as its owner would, past the append-only trigger (PostgreSQL)."""
    with table_owner_rights(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            settle_deferred_checks()
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            settle_deferred_checks()
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def settle_deferred_checks() -> None:
    """Run the foreign-key checks this test's inserts deferred: PostgreSQL will not ALTER a
    table with checks pending (a real migration starts a transaction of its own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def verify_output() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def test_each_event_is_linked_to_the_one_before_it(actor):
    first, second, third = record_three(actor)
    assert [second.chain_seq, third.chain_seq] == [first.chain_seq + 1, first.chain_seq + 2]
    assert (second.prev_hash, third.prev_hash) == (first.row_hash, second.row_hash)
    for event in (first, second, third):
        values = {name: getattr(event, name) for name in ("actor_id", "actor_username")}
        assert values == {"actor_id": actor.pk, "actor_username": "chain.actor"}
        assert event.row_hash == row_hash(
            event.prev_hash, event.chain_seq, event.occurred_at, event.content_hash
        )
    assert first.occurred_at <= second.occurred_at <= third.occurred_at


def test_verify_audit_says_ok_with_the_count_after_normal_use(actor):
    record_three(actor)
    record_events(actor, [EventSpec("viewed", None, plan=n) for n in range(5)])
    record_event(None, "denied", None, detail={"reason": "refused"})
    link_pending()
    total = AuditEvent.objects.count()
    assert verify_output().startswith(f"OK: {total} audit events, head ")
    assert verify_chain().head == AuditEvent.objects.order_by("-chain_seq").first().row_hash


def test_removing_the_newest_rows_is_caught_only_against_a_head_kept_elsewhere(actor):
    record_three(actor)
    link_pending()
    kept = verify_chain().head
    newest = AuditEvent.objects.order_by("-chain_seq").first()
    call_command("verify_audit", kept_head=kept, stdout=StringIO())
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [newest.pk])
    assert verify_chain().ok  # the chain alone cannot tell a shorter trail
    with pytest.raises(
        CommandError, match=re.escape(f"The head you kept ({kept}) is not on the chain")
    ):
        call_command("verify_audit", kept_head=kept)


def test_a_kept_head_further_back_on_an_intact_chain_passes(actor):
    first, second, third = record_three(actor)
    link_pending()
    second.refresh_from_db()
    assert verify_chain(kept_head=second.row_hash).passed_kept_head is True
    assert verify_chain(kept_head="0" * 64).passed_kept_head is False


def test_bulk_recording_chains_every_row_in_order(actor):
    record_events(actor, [EventSpec("viewed", None, plan=n) for n in range(5)])
    link_pending()
    rows = list(AuditEvent.objects.order_by("pk").values_list("chain_seq", "care_plan_id"))
    assert [plan for _, plan in rows] == [0, 1, 2, 3, 4]
    assert [seq for seq, _ in rows] == list(range(rows[0][0], rows[0][0] + 5))
    assert verify_chain().ok


def test_editing_a_rows_detail_makes_verify_name_that_row(actor):
    first, second, third = record_three(actor)
    tamper("UPDATE audit_auditevent SET detail = %s WHERE id = %s", ['{"what": "x"}', second.pk])
    report = verify_chain()
    assert (report.broken_id, report.reason) == (
        second.pk,
        "its content was changed after it was written",
    )
    with pytest.raises(CommandError, match=f"Broken at audit event {second.pk}: its content"):
        call_command("verify_audit")


def test_back_dating_a_row_makes_verify_name_it(actor):
    first, second, third = record_three(actor)
    tamper(
        "UPDATE audit_auditevent SET occurred_at = %s WHERE id = %s",
        [datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), third.pk],
    )
    assert verify_chain().broken_id == third.pk


def test_deleting_a_row_makes_verify_name_the_next_one(actor):
    first, second, third = record_three(actor)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])
    report = verify_chain()
    assert report.broken_id == third.pk
    assert "does not follow the row before it" in report.reason


def test_a_row_added_behind_the_chain_is_named(actor):
    first, second, third = record_three(actor)
    tamper("UPDATE audit_auditevent SET chain_seq = NULL WHERE id = %s", [third.pk])
    assert verify_chain().broken_id == third.pk


def test_the_time_comes_from_the_database_not_the_app_clock(actor, monkeypatch):
    frozen = datetime.datetime(2001, 2, 3, 4, 5, 6, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    with transaction.atomic():
        event = record_event(actor, "viewed", None, plan=1)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at != frozen and stored.occurred_at.year > 2001
    assert AuditEvent._meta.get_field("occurred_at").has_db_default()


def test_an_actor_name_that_is_not_the_actors_is_refused(actor):
    for username, who in (("dr.someone.else", actor), ("ghost", None)):
        event = AuditEvent(actor=who, actor_username=username, action="viewed")
        event.content_hash = content_hash({"actor_username": username})
        with pytest.raises(DatabaseError), transaction.atomic():
            event.save()
    assert not AuditEvent.objects.filter(actor_username__in=["dr.someone.else", "ghost"])


@on_postgresql
def test_a_caller_supplied_time_is_refused_on_postgresql(actor):
    with (
        pytest.raises(DatabaseError, match="takes the database's time"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO audit_auditevent (occurred_at, actor_id, actor_username, action,"
            " target_object_id, object_repr, path, detail, content_hash)"
            " VALUES ('2001-01-01', %s, 'chain.actor', 'viewed', '', '', '', '{}', '')",
            [actor.pk],
        )


@on_postgresql
def test_events_are_linked_when_their_transaction_commits_on_postgresql(actor):
    event = record_event(actor, "viewed", None, plan=4)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.occurred_at == event.occurred_at  # the database's, returned by the INSERT
    assert (stored.chain_seq, stored.row_hash) == (None, "")  # not committed yet
    link_pending()
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.chain_seq is not None and stored.row_hash
    assert verify_chain().ok


class MigrationEditor:
    """What the data migration uses of a schema editor (SQLite's cannot open in a test's
    transaction)."""

    connection = connection

    def execute(self, sql: str, params=None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_the_migration_hashes_existing_rows_in_the_order_they_were_written(actor):
    first, second, third = record_three(actor)
    tamper("UPDATE audit_auditevent SET chain_seq = NULL, prev_hash = '', row_hash = ''", [])
    assert not verify_chain().ok
    settle_deferred_checks()
    with table_owner_rights():
        hash_existing_rows(django_apps, MigrationEditor())
    report = verify_chain()
    assert report.ok and report.count == AuditEvent.objects.count()
    rehashed = AuditEvent.objects.order_by("pk")
    assert rehashed.first().prev_hash == GENESIS
    assert list(rehashed.values_list("chain_seq", flat=True)) == list(
        range(1, rehashed.count() + 1)
    )


def test_sqlite_text_and_aware_times_hash_alike():
    aware = datetime.datetime(2026, 3, 4, 5, 6, 7, 123000, tzinfo=datetime.UTC)
    assert canonical_time(aware) == canonical_time("2026-03-04 05:06:07.123")
    assert canonical_time(aware) == "2026-03-04T05:06:07.123000"


@on_postgresql
@pytest.mark.django_db
def test_concurrent_writers_never_fork_the_chain():
    """Four connections append at once; their rows are committed, checked, then removed."""
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait(timeout=10)
            for n in range(5):
                record_event(
                    None, "viewed", None, path="/chain-race/", detail={"w": worker, "n": n}
                )
            record_events(None, [EventSpec("viewed", None, detail={"w": worker})] * 3)
        except BaseException as error:  # handed back to the test below
            errors.append(error)
        finally:
            connection.close()

    def remove_race_rows() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL ROLE NONE")
                cursor.execute(
                    "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only"
                )
                cursor.execute("DELETE FROM audit_auditevent WHERE detail ? 'w'")
                cursor.execute(
                    "ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only"
                )
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not errors, errors
        rows = AuditEvent.objects.filter(detail__has_key="w")
        assert rows.count() == 4 * 8
        report = verify_chain()
        assert report.ok, report
        seqs = sorted(rows.values_list("chain_seq", flat=True))
        assert seqs == list(range(seqs[0], seqs[0] + 32))
    finally:
        cleaner = threading.Thread(target=remove_race_rows)
        cleaner.start()
        cleaner.join(timeout=60)
