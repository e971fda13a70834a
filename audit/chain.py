"""The audit trail's hash chain: how a row's hashes are computed and how the chain is checked.

Use ``verify_chain()`` (what ``manage.py verify_audit`` runs) to walk every row in chain
order; it returns a ``ChainReport`` that is either OK with the count or names the first
broken row. ``content_hash(...)`` is what ``audit.services`` stores with each new row.

Each row carries four chain fields:

- ``content_hash``: SHA-256 of a canonical JSON (sorted keys, no spaces, UTF-8) of what the
  row says: actor id and username, action, target (content type id, object id, repr), plan,
  patient, path, IP address and detail. Computed by the application before the INSERT.
- ``chain_seq``: the row's place in the chain, 1, 2, 3, … with no gaps.
- ``occurred_at``: the database's clock when the row joined the chain, never the caller's.
- ``prev_hash`` and ``row_hash``: ``row_hash = SHA-256("prev_hash|chain_seq|occurred_at|
  content_hash")`` with ``prev_hash`` the previous row's ``row_hash`` ("" for the first).

The database fills the others itself, so the chain costs the application no extra query:

- PostgreSQL: a BEFORE INSERT trigger stamps ``occurred_at = clock_timestamp()`` (refusing a
  time the caller chose, and an ``actor_username`` that is not the actor's); a deferred
  constraint trigger links each row at COMMIT, in the order the transaction wrote them: it
  takes a transaction-level advisory lock (linkers queue, so the chain never forks; and
  ``chain_seq`` is unique besides), reads the tip and computes ``row_hash`` with ``sha256()``.
  Linking at commit keeps the lock out of the transaction's other work, so it cannot
  deadlock with row locks. Until its transaction commits, a row has no chain fields.
- SQLite (local development): an AFTER INSERT trigger links the row at once with
  ``audit_chain_hash()``, a function this module registers on every SQLite connection
  (SQLite serialises writers itself).

Both must produce exactly what ``row_hash()`` below produces; ``tests/test_audit_chain.py``
proves it.

A changed row breaks its own hashes; a removed row breaks the next row's ``prev_hash`` and
``chain_seq``. Someone holding the table owner's rights could rewrite every row after the
one they changed: keep the head that ``verify_audit`` prints somewhere else (a ticket, the
backup log) to detect that too.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models import F
from django.utils.dateparse import parse_datetime

from .models import AuditEvent

GENESIS = ""
# The PostgreSQL advisory lock that serialises appends (any constant unique to this use).
CHAIN_LOCK_KEY = 0x61756469745F6368  # "audit_ch"
# Floats at or above this size come back from PostgreSQL's jsonb as integers.
_JSONB_INTEGRAL_FLOAT = 1e16

CONTENT_FIELDS = (
    "actor_id",
    "actor_username",
    "action",
    "target_content_type_id",
    "target_object_id",
    "object_repr",
    "care_plan_id",
    "patient_id",
    "path",
    "ip_address",
    "detail",
)
CHAIN_FIELDS = ("id", "chain_seq", "occurred_at", "prev_hash", "row_hash", "content_hash")


def _jsonb_stable(value: Any) -> Any:
    """``value`` as it reads back from PostgreSQL's jsonb: large integral floats become
    integers, -0.0 becomes 0.0. SQLite keeps JSON text as written, so this is harmless there."""
    if isinstance(value, float):
        if value == 0:
            return 0.0
        if value.is_integer() and abs(value) >= _JSONB_INTEGRAL_FLOAT:
            return int(value)
        return value
    if isinstance(value, dict):
        return {key: _jsonb_stable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonb_stable(item) for item in value]
    return value


def _canonical_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return str(value)


def canonical_content(values: dict[str, Any]) -> bytes:
    """The canonical JSON of a row's content fields (``CONTENT_FIELDS``)."""
    content = {name: values.get(name) for name in CONTENT_FIELDS}
    content["ip_address"] = _canonical_ip(content["ip_address"])
    content["detail"] = _jsonb_stable(content["detail"] or {})
    for name in ("actor_username", "action", "target_object_id", "object_repr", "path"):
        content[name] = content[name] or ""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_content(values)).hexdigest()


def canonical_time(value: datetime.datetime | str) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffff`` in UTC: what PostgreSQL's trigger writes with
    ``to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')``."""
    if isinstance(value, str):  # SQLite's stored text: UTC without an offset
        parsed = parse_datetime(value.replace(" ", "T", 1))
        if parsed is None:
            raise ValueError(f"Not a timestamp: {value!r}")
        value = parsed
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f")


def row_hash(
    prev_hash: str, chain_seq: int, occurred_at: datetime.datetime | str, content: str
) -> str:
    link = f"{prev_hash}|{chain_seq}|{canonical_time(occurred_at)}|{content}"
    return hashlib.sha256(link.encode()).hexdigest()


def _sqlite_chain_hash(
    prev_hash: str | None, chain_seq: int, occurred_at: str, content: str
) -> str:
    return row_hash(prev_hash or GENESIS, chain_seq, occurred_at, content or "")


def register_sqlite_functions(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: give each SQLite connection ``audit_chain_hash()``,
    which the chain trigger calls (connected in ``AuditConfig.ready``)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "audit_chain_hash", 4, _sqlite_chain_hash, deterministic=True
        )


def connect_sqlite_functions() -> None:
    connection_created.connect(register_sqlite_functions, dispatch_uid="audit_chain_hash")
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            register_sqlite_functions(None, connection)


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk: ``ok`` with ``count`` rows and the ``head`` hash, or the first
    broken row (``broken_id``) and why (``reason``)."""

    count: int
    head: str
    broken_id: int | None = None
    reason: str = ""
    # Whether the walk met a given ``row_hash`` (a head kept outside the database); None
    # when no such hash was asked about.
    passed_kept_head: bool | None = None

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def _first_fault(row: dict[str, Any], prev: dict[str, Any] | None) -> str:
    """Why ``row`` does not follow ``prev`` (None: the first row), or "" if it does."""
    expected_seq = prev["chain_seq"] + 1 if prev else 1
    expected_prev = prev["row_hash"] if prev else GENESIS
    if row["chain_seq"] is None:
        return "it is not on the chain (no chain position)"
    if row["chain_seq"] != expected_seq or row["prev_hash"] != expected_prev:
        return (
            f"it does not follow the row before it (expected position {expected_seq}); "
            "a row before it was removed, or reordered"
        )
    if content_hash(row) != row["content_hash"]:
        return "its content was changed after it was written"
    if (
        row_hash(row["prev_hash"], row["chain_seq"], row["occurred_at"], row["content_hash"])
        != (row["row_hash"])
    ):
        return "its time, position or hash was changed after it was written"
    return ""


def walk(rows: Iterable[dict[str, Any]], kept_head: str | None = None) -> ChainReport:
    """Check ``rows`` (dicts of ``CHAIN_FIELDS`` and ``CONTENT_FIELDS``, in chain order);
    with ``kept_head``, also say whether the chain passes through that ``row_hash``."""
    prev: dict[str, Any] | None = None
    count = 0
    passed = None if kept_head is None else kept_head == GENESIS
    for row in rows:
        reason = _first_fault(row, prev)
        if reason:
            return ChainReport(
                count=count,
                head=prev["row_hash"] if prev else GENESIS,
                broken_id=row["id"],
                reason=reason,
                passed_kept_head=passed,
            )
        if kept_head is not None and row["row_hash"] == kept_head:
            passed = True
        prev = row
        count += 1
    head = prev["row_hash"] if prev else GENESIS
    return ChainReport(count=count, head=head, passed_kept_head=passed)


def chain_rows(using: str = "default", chunk_size: int = 2000) -> Iterator[dict[str, Any]]:
    """Every audit row in chain order (rows with no position last), streamed."""
    return (
        AuditEvent.objects.using(using)
        .order_by(F("chain_seq").asc(nulls_last=True), "pk")
        .values(*CHAIN_FIELDS, *CONTENT_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def verify_chain(using: str = "default", kept_head: str | None = None) -> ChainReport:
    """Walk the whole chain on database ``using`` (and look for ``kept_head`` on it)."""
    return walk(chain_rows(using), kept_head)
