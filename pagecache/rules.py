"""What the page cache may answer and what it may keep.

``may_use_cache(request)`` is asked before the view: only an anonymous ``GET``/``HEAD`` of a
public path, with no query parameter but the harmless ones, ever reaches the cache. A
request carrying a session or messages cookie (a signed-in reader, or one who passed a
page's password), an ``Authorization`` header, or Wagtail's preview flag never does.

``is_storable(request, response)`` is asked after it: only a complete 200 of a Wagtail page
(``mark_served_page``) or of a view in ``PAGECACHE_URL_NAMES`` is kept, and never one that
sets a cookie, says ``private``/``no-store``/``no-cache`` (Wagtail says so for every page
with a view restriction), varies on more than the cookie, or whose Content-Security-Policy
depends on the request: a page that used ``request.csp_nonce`` would replay one nonce to
every reader, which defeats it, so such pages are rendered afresh each time.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import cc_delim_re
from wagtail.models import Page

from pagecache import conf

CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
HARMLESS_VALUE = re.compile(r"[\w-]{1,64}\Z")
REFUSING_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})
# Attributes django-csp's decorators leave on a response for its middleware to read: a
# policy of the view's own, which a rebuilt response would lose.
CSP_VIEW_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)
SERVED_PAGE_ATTRIBUTE = "pagecache_page_id"


def _signed_in_or_remembered(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies


def canonical_query(request: HttpRequest) -> str | None:
    """The query string sorted, or None when it holds anything but single, short, plain
    values of ``PAGECACHE_QUERY_PARAMETERS``."""
    allowed = conf.query_parameters()
    items = []
    for name, values in request.GET.lists():
        if name not in allowed or len(values) != 1 or not HARMLESS_VALUE.match(values[0]):
            return None
        items.append((name, values[0]))
    return urlencode(sorted(items))


def may_use_cache(request: HttpRequest) -> bool:
    return (
        conf.enabled()
        and request.method in CACHEABLE_METHODS
        and not getattr(request, "is_dummy", False)
        and not _signed_in_or_remembered(request)
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path_info.startswith(conf.excluded_prefixes())
        and canonical_query(request) is not None
    )


def entry_key(request: HttpRequest) -> str:
    """The cache key of this address (scheme, host, path and canonical query)."""
    address = f"{request.scheme}://{request.get_host()}{request.path}?{canonical_query(request)}"
    return "pagecache:entry:" + hashlib.sha256(address.encode()).hexdigest()


def mark_served_page(request: HttpRequest, page: Page) -> None:
    """Note that this request is serving a Wagtail page (called by ``before_serve_page``)."""
    setattr(request, SERVED_PAGE_ATTRIBUTE, page.pk)


def served_page_id(request: HttpRequest) -> int | None:
    return getattr(request, SERVED_PAGE_ATTRIBUTE, None)


def _is_cacheable_view(request: HttpRequest) -> bool:
    if served_page_id(request) is not None:
        return True
    match = request.resolver_match
    return match is not None and match.url_name in conf.url_names()


def _header_values(response: HttpResponseBase, name: str) -> set[str]:
    return {v.strip().lower() for v in cc_delim_re.split(response.get(name, "")) if v.strip()}


def _allows_storing(response: HttpResponseBase) -> bool:
    directives = {d.split("=")[0] for d in _header_values(response, "Cache-Control")}
    return not directives & REFUSING_DIRECTIVES and _header_values(response, "Vary") <= {"cookie"}


def _policy_depends_on_request(request: HttpRequest, response: HttpResponseBase) -> bool:
    nonce_used = getattr(request, "_csp_nonce", None) is not None
    return nonce_used or any(hasattr(response, name) for name in CSP_VIEW_ATTRIBUTES)


def is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and _is_cacheable_view(request)
        and _allows_storing(response)
        and not _policy_depends_on_request(request, response)
    )
