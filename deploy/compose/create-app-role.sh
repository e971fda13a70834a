#!/bin/sh
# Run once by the postgres image on an empty data volume (compose.yaml): the application's
# login role. Its rights come from `manage.py grant_app_role clinic_app` (the migrate service).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$CLINIC_APP_PASSWORD" <<'SQL'
CREATE ROLE clinic_app LOGIN PASSWORD :'app_password';
SQL
