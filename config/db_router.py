"""``ReplicaRouter``: reads of an anonymous reader's public page from the replica, everything
else from the primary (``DATABASE_REPLICA_URL``; installed by ``config/settings/replica.py``).

A read goes to the replica only when all of these hold:

- the running request may read it (``config.replica_reads.allowed()``: anonymous, GET or
  HEAD, a public path, no publish in the last few seconds);
- it is not inside a transaction on the primary (whatever reads there, a check under a row
  lock or a read before a write, must see the primary's rows). The transaction a test wraps
  around itself does not count: Django marks it ``_from_testcase``, as its own ``durable``
  check does;
- it is not about an object loaded from the primary (its relations stay where it came from).

Every write goes to the primary and turns the replica off for the rest of the request, so a
request reads what it wrote. Migrations run on the primary only; the replica copies them.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

from config import replica_reads
from config.settings.replica import REPLICA


def _in_transaction() -> bool:
    return any(not block._from_testcase for block in connections[DEFAULT_DB_ALIAS].atomic_blocks)


def _loaded_from_primary(hints: dict[str, Any]) -> bool:
    instance = hints.get("instance")
    return instance is not None and instance._state.db == DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        if replica_reads.allowed() and not _in_transaction() and not _loaded_from_primary(hints):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        replica_reads.stop()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        """Both databases hold the same rows."""
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
