"""The page cache's settings, each with its default; ``config/settings`` reads them from
the environment (``PAGECACHE_ENABLED``, ``PAGECACHE_MAX_AGE``, ``PAGECACHE_TIMEOUT``,
``PAGECACHE_STALE_IF_ERROR``)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import BaseCache, caches


def enabled() -> bool:
    return getattr(settings, "PAGECACHE_ENABLED", True)


def cache() -> BaseCache:
    """The cache holding entries and the generation: shared by every process when it is
    Redis (production's ``REDIS_URL``)."""
    return caches[getattr(settings, "PAGECACHE_CACHE_ALIAS", "default")]


def max_age() -> int:
    """Seconds a browser, proxy or CDN may reuse a page without asking again."""
    return getattr(settings, "PAGECACHE_MAX_AGE", 60)


def timeout() -> int:
    """Seconds this server reuses an entry while no purge happens (purges are immediate)."""
    return getattr(settings, "PAGECACHE_TIMEOUT", 600)


def stale_if_error() -> int:
    """Seconds past ``timeout`` an entry may still answer while the site fails (5xx)."""
    return getattr(settings, "PAGECACHE_STALE_IF_ERROR", 24 * 60 * 60)


def query_parameters() -> tuple[str, ...]:
    """The only query parameters a cached page may have (a listing's page and topic);
    any other, such as search's ``q``, leaves the request to the view."""
    return tuple(getattr(settings, "PAGECACHE_QUERY_PARAMETERS", ("page", "topic")))


def url_names() -> tuple[str, ...]:
    """Views other than Wagtail's pages whose anonymous answers are cached."""
    return tuple(getattr(settings, "PAGECACHE_URL_NAMES", ("search", "sitemap")))


def excluded_prefixes() -> tuple[str, ...]:
    """Paths never cached: the private ones (``settings.PRIVATE_PATH_PREFIXES``), the
    admin and documents (which may sit in private collections)."""
    extra = getattr(settings, "PAGECACHE_EXCLUDED_PREFIXES", ("/cms/", "/documents/"))
    return (*settings.PRIVATE_PATH_PREFIXES, *extra)


def content_apps() -> tuple[str, ...]:
    """Apps whose snippets and other non-page models show on public pages: saving or
    deleting one purges the cache."""
    return tuple(getattr(settings, "PAGECACHE_CONTENT_APPS", ("portal",)))
