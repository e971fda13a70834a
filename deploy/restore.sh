#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a new, empty database and an empty media
# folder, then give the application's role its rights and check the audit trail against the
# head the backup kept. docs/operations.md has the whole procedure.
#
#   deploy/restore.sh BACKUP_DIR APP_ROLE
#
# Read from the environment (nothing secret is written anywhere; keep passwords in
# ~/.pgpass or PGPASSFILE rather than in the URLs):
#   MIGRATION_DATABASE_URL  the new database, as the role that is to own the tables; it must
#                           exist and hold no tables (CREATE DATABASE ... OWNER that role)
#   DATABASE_URL            the same database as the application's role (APP_ROLE)
#   MEDIA_ROOT              the media folder to fill: missing or empty
#   DJANGO_SETTINGS_MODULE  as for the application
#   PYTHON                  the project's Python (default: .venv/bin/python, else python3)
#
# Refuses, before touching anything, a backup whose files do not match SHA256SUMS, a
# database that already holds tables and a media folder that holds files. pg_restore runs in
# one transaction (a failure leaves the database empty) without the dump's owners and grants:
# the connecting owner owns everything, and `manage.py grant_app_role APP_ROLE` grants the
# application's rights again. Exits 1 if `manage.py verify_audit` fails.
set -euo pipefail

fail() {
  echo "restore refused: $*" >&2
  exit 1
}

if [ $# -ne 2 ]; then
  echo "usage: $0 BACKUP_DIR APP_ROLE" >&2
  exit 2
fi
: "${MIGRATION_DATABASE_URL:?MIGRATION_DATABASE_URL must name the new database as its owner}"
: "${DATABASE_URL:?DATABASE_URL must name the new database as the application role}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be the media folder the application will use}"
BACKUP="$(cd "$1" && pwd)"
APP_ROLE="$2"

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x "$PROJECT/.venv/bin/python" ] && PYTHON="$PROJECT/.venv/bin/python"
fi
manage() { "$PYTHON" "$PROJECT/manage.py" "$@"; }

for name in database.dump media.tar.gz SHA256SUMS MANIFEST; do
  [ -f "$BACKUP/$name" ] || fail "$BACKUP has no $name; is it a folder deploy/backup.sh wrote?"
done
for name in database.dump media.tar.gz; do
  grep -q "  $name\$" "$BACKUP/SHA256SUMS" || fail "SHA256SUMS does not list $name."
done
if ! (cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS >&2); then
  fail "the files in $BACKUP do not match SHA256SUMS: the copy is damaged or was altered."
fi

relations="$(psql --no-psqlrc --no-password -v ON_ERROR_STOP=1 -tAq -d "$MIGRATION_DATABASE_URL" -c "
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")"
if [ "$relations" != 0 ]; then
  fail "the database already holds $relations tables, sequences or indexes; restore only into a new, empty database."
fi
if [ -d "$MEDIA_ROOT" ] && [ -n "$(ls -A "$MEDIA_ROOT")" ]; then
  fail "MEDIA_ROOT $MEDIA_ROOT is not empty; restore only into an empty media folder."
fi

pg_restore --no-password --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$MIGRATION_DATABASE_URL" "$BACKUP/database.dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" --no-same-owner -xzf "$BACKUP/media.tar.gz"

manage grant_app_role "$APP_ROLE"
kept_head="$(sed -n 's/^audit_head=//p' "$BACKUP/MANIFEST")"
if [ -z "$kept_head" ]; then
  echo "warning: the backup kept no audit head ($(sed -n 's/^audit_check=//p' "$BACKUP/MANIFEST"))" >&2
fi
manage verify_audit ${kept_head:+--kept-head "$kept_head"}
echo "Restored $BACKUP (audit head kept at backup: ${kept_head:-none})."
