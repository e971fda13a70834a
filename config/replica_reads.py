"""Which reads may go to the PostgreSQL replica (``DATABASE_REPLICA_URL``): only those of an
anonymous reader's ``GET`` or ``HEAD`` of a public page. ``config.db_router`` asks
``allowed()``; ``ReplicaReadsMiddleware`` (``config/settings/replica.py`` places it) turns
it on for such a request alone.

A replica lags behind the primary, and no one signed in may ever act on what it says, so
everything else reads the primary:

- a request with a session or messages cookie (signed in, or back from a form), an
  ``Authorization`` header, or any method but ``GET``/``HEAD``: permission checks, audit
  writes and read-after-write need the primary;
- paths under ``PRIVATE_PATH_PREFIXES`` (``/care/``, ``/my/``, ``/accounts/``, ``/api/``,
  ``/fhir/``...), the Wagtail admin, Django's admin and ``/documents/`` (collection privacy);
- for ``DATABASE_REPLICA_LAG_SECONDS`` after any publish (a page-cache purge, whose
  generation is the time it happened): a page rendered from a replica that has not yet
  seen the change would be stored as fresh by the page cache;
- and, through the router, the rest of a request from its first write on, any read inside a
  transaction, and everything outside a request (management commands, tasks, the worker):
  the flag is off unless this middleware turned it on.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from pagecache import conf as pagecache_conf
from pagecache import store as pagecache_store

READ_METHODS = frozenset({"GET", "HEAD"})
# Besides settings.PRIVATE_PATH_PREFIXES.
PRIMARY_ONLY_PREFIXES = ("/cms/", "/admin/", "/documents/")

_allowed: ContextVar[bool] = ContextVar("replica_reads_allowed", default=False)


def allowed() -> bool:
    """Whether the running request may read the replica."""
    return _allowed.get()


def stop() -> None:
    """The rest of the running request reads the primary (it has written)."""
    if _allowed.get():
        _allowed.set(False)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Reads in the block may go to the replica (the router still keeps transactions and
    writes on the primary)."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def _anonymous(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and CookieStorage.cookie_name not in cookies
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _public_path(path: str) -> bool:
    return not path.startswith((*settings.PRIVATE_PATH_PREFIXES, *PRIMARY_ONLY_PREFIXES))


def _published_lately() -> bool:
    """A purge (a publish, unpublish, move...) less than DATABASE_REPLICA_LAG_SECONDS ago."""
    generation = pagecache_conf.cache().get(pagecache_store.GENERATION_KEY)
    if generation is None:
        return False
    return time.time_ns() - generation < settings.DATABASE_REPLICA_LAG_SECONDS * 1_000_000_000


def may_read_replica(request: HttpRequest) -> bool:
    return (
        request.method in READ_METHODS
        and _anonymous(request)
        and _public_path(request.path_info)
        and not _published_lately()
    )


class ReplicaReadsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not may_read_replica(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
