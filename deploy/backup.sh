#!/usr/bin/env bash
# Back up the portal: its PostgreSQL database (pg_dump, custom format) and its media folder
# (Wagtail images and documents), into a new folder BACKUP_ROOT/<UTC time>/ holding
# database.dump, media.tar.gz, SHA256SUMS and MANIFEST. docs/operations.md says how often,
# where the copies go, and how to restore one (deploy/restore.sh) and test that.
#
#   deploy/backup.sh BACKUP_ROOT
#
# Read from the environment, as the application has it; nothing secret is written anywhere
# (keep passwords in ~/.pgpass or PGPASSFILE rather than in the URLs):
#   BACKUP_DATABASE_URL     a role that may read everything (pg_read_all_data), which
#                           pg_dump reads as; else MIGRATION_DATABASE_URL, else DATABASE_URL
#   DATABASE_URL            the application's role, which checks the audit trail first
#   MEDIA_ROOT              the application's media folder
#   DJANGO_SETTINGS_MODULE  as for the application
#   PYTHON                  the project's Python (default: .venv/bin/python, else python3)
#
# First `manage.py verify_audit`, given the head kept by the newest earlier backup in
# BACKUP_ROOT, so that events removed from the end of the trail since then are caught; the
# head it prints goes into MANIFEST, for the restore to check. Then the database, then the
# media: a file uploaded in between is an extra file, never a row without its file. The
# folder gets its final name only when complete. A trail that does not verify is backed up
# all the same (the copy is evidence), and the script then exits 1.
set -euo pipefail
umask 077 # the backup holds patient data

if [ $# -ne 1 ]; then
  echo "usage: $0 BACKUP_ROOT" >&2
  exit 2
fi
: "${DATABASE_URL:?DATABASE_URL must name the database (the application role)}"
: "${MEDIA_ROOT:?MEDIA_ROOT must be the media folder the application uses}"
DUMP_URL="${BACKUP_DATABASE_URL:-${MIGRATION_DATABASE_URL:-$DATABASE_URL}}"

PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x "$PROJECT/.venv/bin/python" ] && PYTHON="$PROJECT/.venv/bin/python"
fi
manage() { "$PYTHON" "$PROJECT/manage.py" "$@"; }

mkdir -p "$1"
ROOT="$(cd "$1" && pwd)"

# The head kept by the newest earlier backup that has one (names sort by time).
kept_head=""
kept_by="no earlier backup"
shopt -s nullglob
for manifest in "$ROOT"/*/MANIFEST; do
  head_in_manifest="$(sed -n 's/^audit_head=//p' "$manifest")"
  if [ -n "$head_in_manifest" ]; then
    kept_head="$head_in_manifest"
    kept_by="$(basename "$(dirname "$manifest")")"
  fi
done
shopt -u nullglob

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$ROOT/.$stamp.partial"
mkdir "$work"
trap 'rm -rf "$work"' EXIT # gone once renamed; removed if anything failed

audit_ok=true
if ! audit_report="$(manage verify_audit ${kept_head:+--kept-head "$kept_head"} 2>&1)"; then
  audit_ok=false
fi
audit_report="$(printf '%s\n' "$audit_report" | tail -n 1)"
audit_head=""
if $audit_ok; then
  audit_head="$(printf '%s\n' "$audit_report" | sed -n 's/^OK: .* head \([0-9a-f]\{64\}\)$/\1/p')"
fi

pg_dump --no-password --format=custom --file="$work/database.dump" --dbname="$DUMP_URL"

if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$work/media.tar.gz" .
else
  echo "warning: MEDIA_ROOT $MEDIA_ROOT does not exist; the media archive is empty" >&2
  tar -czf "$work/media.tar.gz" -T /dev/null
fi

(cd "$work" && sha256sum database.dump media.tar.gz >SHA256SUMS)
{
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "audit_head=$audit_head"
  echo "audit_check=$audit_report"
  echo "audit_kept_head_checked=$kept_head"
  echo "release=$(git -C "$PROJECT" rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "pg_dump=$(pg_dump --version)"
} >"$work/MANIFEST"
mv "$work" "$ROOT/$stamp"

if ! $audit_ok; then
  echo "Backup written to $ROOT/$stamp, but the audit trail does not verify against the head" \
    "${kept_head:-(none)} kept by $kept_by: $audit_report" >&2
  exit 1
fi
echo "Backup written to $ROOT/$stamp; audit trail $audit_report"
