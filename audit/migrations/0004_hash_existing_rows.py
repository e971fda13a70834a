"""Put the rows written before the hash chain on it, in the order they were written (id).

Runs as the table's owner (``manage.py migrate`` uses MIGRATION_DATABASE_URL), which on
PostgreSQL pauses the append-only trigger for this transaction only. The hashing is
audit.chain's, so these rows verify exactly like new ones.
"""

from django.db import migrations

from audit.chain import CONTENT_FIELDS, GENESIS, content_hash, row_hash

BATCH = 1000
CHAIN_UPDATE_FIELDS = ["content_hash", "chain_seq", "prev_hash", "row_hash"]


def hash_existing_rows(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    # The plain manager: the model's own refuses updates (as it should outside this step).
    events = AuditEvent._base_manager.using(schema_editor.connection.alias)
    if not events.exists():
        return
    on_postgresql = schema_editor.connection.vendor == "postgresql"
    if on_postgresql:
        schema_editor.execute(
            "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only"
        )
    prev, seq, last_pk = GENESIS, 0, 0
    while batch := list(events.filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for event in batch:
            seq += 1
            values = {name: getattr(event, name) for name in CONTENT_FIELDS}
            event.content_hash = content_hash(values)
            event.chain_seq, event.prev_hash = seq, prev
            event.row_hash = prev = row_hash(prev, seq, event.occurred_at, event.content_hash)
        events.bulk_update(batch, CHAIN_UPDATE_FIELDS)
        last_pk = batch[-1].pk
    if on_postgresql:
        # Foreign-key checks queued in this transaction must run before the table is altered.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")
        schema_editor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_hash_chain_fields")]

    operations = [migrations.RunPython(hash_existing_rows, migrations.RunPython.noop)]
