"""A PostgreSQL read replica for anonymous readers of public pages: ``production.py`` uses
it when ``DATABASE_REPLICA_URL`` is set.

- ``replica_database(url, conn_max_age)``: the ``DATABASES["replica"]`` entry. Its test
  settings mirror ``default`` (a test run never creates a database on it).
- ``with_replica_reads(middleware)``: the middleware list with
  ``config.replica_reads.ReplicaReadsMiddleware`` right after the page cache's, so that a
  cached page costs nothing more, and before the sessions', which it never needs.
- ``ROUTERS``: ``config.db_router.ReplicaRouter``, which sends reads there only inside such
  a request and never migrates it.

Which requests may read it, and why the rest may not: ``config/replica_reads.py``.
"""

from __future__ import annotations

from typing import Any

import dj_database_url

REPLICA = "replica"
ROUTERS = ["config.db_router.ReplicaRouter"]
REPLICA_READS_MIDDLEWARE = "config.replica_reads.ReplicaReadsMiddleware"
PAGE_CACHE_MIDDLEWARE = "pagecache.middleware.PageCacheMiddleware"


def replica_database(url: str, conn_max_age: int) -> dict[str, Any]:
    database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    return {**database, "TEST": {"MIRROR": "default"}}


def with_replica_reads(middleware: list[str]) -> list[str]:
    position = middleware.index(PAGE_CACHE_MIDDLEWARE) + 1
    return [*middleware[:position], REPLICA_READS_MIDDLEWARE, *middleware[position:]]
