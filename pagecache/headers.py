"""What a cached page tells browsers, proxies and CDNs, and the 304s.

Every page the cache answers or keeps says ``Cache-Control: public, max-age=PAGECACHE_MAX_AGE,
stale-if-error=PAGECACHE_STALE_IF_ERROR`` (RFC 5861: a proxy may keep serving it while this
site fails), ``Vary: Cookie`` (a signed-in reader's request is never answered with it), a
strong ``ETag`` (the body's SHA-256) and ``Last-Modified`` (``Entry.last_modified``). A
request whose ``If-None-Match`` or ``If-Modified-Since`` matches gets a 304 (Django's
``get_conditional_response``). ``X-Page-Cache`` says ``hit``, ``miss`` or ``stale``; a stale
copy says ``max-age=0`` so that nobody keeps it as fresh.
"""

from __future__ import annotations

import hashlib
import time

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag

from pagecache import conf
from pagecache.store import Entry

CACHE_STATUS_HEADER = "X-Page-Cache"
HIT = "hit"
MISS = "miss"
STALE = "stale"
# Headers the outer middleware add to every response, cached or not.
NOT_KEPT = frozenset({"cache-control", "etag", "last-modified", "expires", "x-page-cache"})


def strong_etag(content: bytes) -> str:
    return quote_etag(hashlib.sha256(content).hexdigest()[:40])


def entry_from(response: HttpResponseBase, generation: int, page_id: int | None) -> Entry:
    """The copy of a storable response that the cache keeps."""
    return Entry(
        content=response.content,
        headers=tuple(
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in NOT_KEPT
        ),
        etag=strong_etag(response.content),
        generation=generation,
        stored_at=time.time(),
        page_id=page_id,
    )


def response_from(entry: Entry) -> HttpResponse:
    response = HttpResponse(entry.content)
    for name, value in entry.headers:
        response.headers[name] = value
    return response


def answer(
    request: HttpRequest, response: HttpResponseBase, entry: Entry, status: str
) -> HttpResponseBase:
    """The response with the cache's headers, or a 304 when the reader's copy matches."""
    max_age = 0 if status == STALE else conf.max_age()
    response.headers["Cache-Control"] = (
        f"public, max-age={max_age}, stale-if-error={conf.stale_if_error()}"
    )
    response.headers["ETag"] = entry.etag
    response.headers["Last-Modified"] = http_date(entry.last_modified)
    response.headers[CACHE_STATUS_HEADER] = status
    patch_vary_headers(response, ("Cookie",))
    return (
        get_conditional_response(
            request, etag=entry.etag, last_modified=entry.last_modified, response=response
        )
        or response
    )
