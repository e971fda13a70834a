"""Which database role this process connects as: ``dj_database_url.config(env=...)`` reads
the variable ``database_url_variable(sys.argv)`` names.

- ``DATABASE_URL``: the application's role, which may only read and add audit events
  (``audit.roles``; see README "The audit trail").
- ``MIGRATION_DATABASE_URL``: the tables' owner. When it is set, the commands that change
  the schema or the grants (``manage.py migrate`` and ``manage.py grant_app_role``) connect
  with it instead. Unset (local SQLite, a single-role set-up), everything uses DATABASE_URL.
"""

from .env import env_str

OWNER_COMMANDS = frozenset({"migrate", "grant_app_role"})


def database_url_variable(argv: list[str]) -> str:
    """``MIGRATION_DATABASE_URL`` for ``manage.py migrate``/``grant_app_role`` when it is
    set, else ``DATABASE_URL``."""
    command = argv[1] if len(argv) > 1 else ""
    if command in OWNER_COMMANDS and env_str("MIGRATION_DATABASE_URL"):
        return "MIGRATION_DATABASE_URL"
    return "DATABASE_URL"
