"""The database's half of the hash chain (see audit.chain), and stricter append-only rules.

PostgreSQL:
- ``audit_event_check`` (BEFORE INSERT, each row): refuses a caller-supplied ``occurred_at``
  (anything but the column's default) and an ``actor_username`` that is not the actor's
  username (or is set without an actor); stamps ``occurred_at = clock_timestamp()`` and
  blanks the chain fields.
- ``audit_event_link`` (a constraint trigger, AFTER INSERT, DEFERRED: it runs at COMMIT,
  when the transaction takes no more row locks, so waiting for it cannot deadlock): takes
  the chain's advisory lock until the commit ends, reads the tip, and fills ``chain_seq``,
  ``prev_hash`` and ``row_hash``. SECURITY DEFINER: it runs as the owner, and the append-only
  trigger lets exactly this one UPDATE through (chain fields of an unlinked row, with the
  transaction-local flag ``audit.linking`` it sets).
- ``audit_event_append_only`` refuses every other UPDATE and DELETE (users in the trail are
  PROTECTed, so the old exception for ON DELETE SET NULL is gone).
- A partial GIN index for the dashboard events that name a plan among those listed
  (``AuditEvent.objects.trail_for_plan``).

SQLite (local development): the same actor check (BEFORE INSERT) and the chain (AFTER INSERT,
through ``audit_chain_hash()``, which audit.chain registers on each connection). SQLite
rebuilds a table for most ALTERs and drops its triggers then: a later migration that alters
this table must create these triggers again (``tests/test_audit_chain.py`` would fail).
"""

from django.conf import settings
from django.db import migrations

from audit.chain import CHAIN_LOCK_KEY


def _user_table(apps) -> str:
    return apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table


POSTGRESQL_CREATE = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    -- The one UPDATE allowed: audit_event_link() filling a new row's chain fields.
    IF TG_OP = 'UPDATE'
       AND current_setting('audit.linking', true) = 'on'
       AND OLD.chain_seq IS NULL
       AND (to_jsonb(NEW) - 'chain_seq' - 'prev_hash' - 'row_hash')
           = (to_jsonb(OLD) - 'chain_seq' - 'prev_hash' - 'row_hash') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION audit_event_check() RETURNS trigger AS $$
DECLARE
    actor_name text;
BEGIN
    IF NEW.occurred_at IS DISTINCT FROM statement_timestamp() THEN
        RAISE EXCEPTION 'audit_auditevent takes the database''s time: occurred_at % refused',
            NEW.occurred_at USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.actor_id IS NULL THEN
        IF NEW.actor_username <> '' THEN
            RAISE EXCEPTION 'audit_auditevent: actor_username % without an actor refused',
                NEW.actor_username USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        SELECT u.username INTO actor_name FROM {user_table} u WHERE u.id = NEW.actor_id;
        IF actor_name IS DISTINCT FROM NEW.actor_username THEN
            RAISE EXCEPTION 'audit_auditevent: actor_username % is not the name of user %',
                NEW.actor_username, NEW.actor_id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    NEW.occurred_at := clock_timestamp();
    NEW.chain_seq := NULL;
    NEW.prev_hash := '';
    NEW.row_hash := '';
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- Runs as the table's owner (the application's role may not UPDATE), at COMMIT.
CREATE OR REPLACE FUNCTION audit_event_link() RETURNS trigger
SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    tip_seq bigint;
    tip_hash text;
    seq bigint;
    prev text;
BEGIN
    -- One linker at a time, until this transaction ends: the chain never forks.
    PERFORM pg_advisory_xact_lock({lock_key});
    SELECT e.chain_seq, e.row_hash INTO tip_seq, tip_hash FROM audit_auditevent e
        WHERE e.chain_seq IS NOT NULL ORDER BY e.chain_seq DESC LIMIT 1;
    seq := COALESCE(tip_seq, 0) + 1;
    prev := COALESCE(tip_hash, '');
    PERFORM set_config('audit.linking', 'on', true);
    UPDATE audit_auditevent SET
        chain_seq = seq,
        prev_hash = prev,
        row_hash = encode(sha256(convert_to(
            prev || '|' || seq::text || '|'
            || to_char(NEW.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')
            || '|' || NEW.content_hash, 'UTF8')), 'hex')
    WHERE id = NEW.id;
    PERFORM set_config('audit.linking', 'off', true);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS audit_event_check ON audit_auditevent;
CREATE TRIGGER audit_event_check
    BEFORE INSERT ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_check();

DROP TRIGGER IF EXISTS audit_event_link ON audit_auditevent;
CREATE CONSTRAINT TRIGGER audit_event_link
    AFTER INSERT ON audit_auditevent
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION audit_event_link();

CREATE INDEX IF NOT EXISTS audit_event_dashboard_plans ON audit_auditevent
    USING gin ((detail -> 'plans') jsonb_path_ops)
    WHERE (detail -> 'what') = '"dashboard"'::jsonb;
"""

POSTGRESQL_DROP = """
DROP INDEX IF EXISTS audit_event_dashboard_plans;
DROP TRIGGER IF EXISTS audit_event_link ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_link();
DROP TRIGGER IF EXISTS audit_event_check ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_check();
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

SQLITE_CREATE = (
    """
CREATE TRIGGER IF NOT EXISTS audit_event_actor_name BEFORE INSERT ON audit_auditevent
WHEN (NEW.actor_id IS NULL AND NEW.actor_username <> '')
  OR (NEW.actor_id IS NOT NULL
      AND NEW.actor_username IS NOT (SELECT u.username FROM {user_table} u
                                     WHERE u.id = NEW.actor_id))
BEGIN
    SELECT RAISE(ABORT, 'audit_auditevent: actor_username is not the name of the actor');
END
""",
    """
CREATE TRIGGER IF NOT EXISTS audit_event_link AFTER INSERT ON audit_auditevent
BEGIN
    UPDATE audit_auditevent SET
        chain_seq = (SELECT COALESCE(MAX(chain_seq), 0) + 1 FROM audit_auditevent),
        prev_hash = COALESCE((SELECT t.row_hash FROM audit_auditevent t WHERE t.chain_seq =
                              (SELECT MAX(chain_seq) FROM audit_auditevent)), ''),
        row_hash = audit_chain_hash(
            (SELECT t.row_hash FROM audit_auditevent t WHERE t.chain_seq =
             (SELECT MAX(chain_seq) FROM audit_auditevent)),
            (SELECT COALESCE(MAX(chain_seq), 0) + 1 FROM audit_auditevent),
            NEW.occurred_at,
            NEW.content_hash)
    WHERE id = NEW.id;
END
""",
)

SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS audit_event_link",
    "DROP TRIGGER IF EXISTS audit_event_actor_name",
)


def create(apps, schema_editor):
    user_table = schema_editor.quote_name(_user_table(apps))
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        sql = POSTGRESQL_CREATE.replace("{user_table}", user_table)
        schema_editor.execute(sql.replace("{lock_key}", str(CHAIN_LOCK_KEY)), params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement.replace("{user_table}", user_table), params=None)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_hash_existing_rows")]

    operations = [migrations.RunPython(create, drop)]
