"""Where Wagtail's search index lives: ``production.py`` calls ``search_backends`` with
``SEARCH_URL``, ``SEARCH_BACKEND`` and ``SEARCH_INDEX_PREFIX``.

Without ``SEARCH_URL``: Wagtail's database backend, PostgreSQL full-text search (a simpler
match on SQLite), whose index is a table every web machine already shares. With it:
Wagtail's own backend for OpenSearch or Elasticsearch at that address (comma-separated for
several nodes; ``https://user:password@host:9200`` for basic authentication), its indexes
named ``SEARCH_INDEX_PREFIX`` + ``wagtailcore_page`` and so on, so that several sites or
environments can share one cluster. Each backend needs its client package, the major
version matching (pyproject's ``opensearch`` and ``elasticsearch`` extras). Either way the
index follows every save through the task queue (jobs.indexing); after switching, run
``manage.py update_index`` once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

DATABASE_BACKEND = "wagtail.search.backends.database"
# SEARCH_BACKEND: Wagtail 8's backends for a search server, named by server and major version.
SERVER_BACKENDS = {
    name: f"wagtail.search.backends.{name}"
    for name in ("opensearch3", "opensearch2", "elasticsearch9", "elasticsearch8", "elasticsearch7")
}
DEFAULT_SERVER_BACKEND = "opensearch3"
DEFAULT_INDEX_PREFIX = "clinic_portal_"
# Seconds a search or an index update waits for the server.
SERVER_TIMEOUT = 5


def search_backends(
    urls: list[str], backend: str = DEFAULT_SERVER_BACKEND, index_prefix: str = DEFAULT_INDEX_PREFIX
) -> dict[str, dict[str, Any]]:
    """The ``WAGTAILSEARCH_BACKENDS`` setting: the search server at ``urls`` when any, else
    the database."""
    if not urls:
        return {"default": {"BACKEND": DATABASE_BACKEND, "AUTO_UPDATE": True}}
    if backend not in SERVER_BACKENDS:
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND must be one of {', '.join(SERVER_BACKENDS)}, not {backend!r}."
        )
    return {
        "default": {
            "BACKEND": SERVER_BACKENDS[backend],
            "URLS": urls,
            "INDEX_PREFIX": index_prefix,
            "TIMEOUT": SERVER_TIMEOUT,
            # update_index builds a new index and swaps it in: search keeps answering.
            "ATOMIC_REBUILD": True,
            "AUTO_UPDATE": True,
        }
    }
