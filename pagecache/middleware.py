"""``PageCacheMiddleware``: answers anonymous readers from the cache, keeps what it may.

Place it after ``core.middleware.RejectNulBytesMiddleware`` and before Django's
``SessionMiddleware``: a hit then skips sessions, users and the view, while the security
headers (Content-Security-Policy without a nonce, Permissions-Policy, CORP, HSTS) are still
added to it by the middleware above. Which requests and responses qualify is
``pagecache.rules``; the entries and the purge are ``pagecache.store``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from pagecache import rules, store
from pagecache.headers import HIT, MISS, STALE, answer, entry_from, response_from

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class PageCacheMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not rules.may_use_cache(request):
            return self.get_response(request)
        key = rules.entry_key(request)
        generation, cached = store.lookup(key)
        if generation is None:  # the cache keeps nothing for now: the page as the view makes it
            return self.get_response(request)
        if cached is not None and cached.is_fresh(generation):
            return answer(request, response_from(cached), cached, HIT)
        response = self.get_response(request)
        if response.status_code >= 500 and cached is not None and store.may_serve_stale(cached):
            return answer(request, response_from(cached), cached, STALE)
        if not rules.is_storable(request, response):
            return response
        entry = entry_from(response, generation, rules.served_page_id(request))
        store.save(key, entry)
        return answer(request, response, entry, MISS)
