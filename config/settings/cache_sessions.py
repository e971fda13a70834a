"""The cache and the sessions: each process's own, or shared by every web machine through
Redis when ``REDIS_URL`` is set (``base.py``).

- ``caches(redis_url, key_prefix, timeout, retry_after)``: Redis at that address when given
  (``config.redis_cache.ResilientRedisCache``: Django's ``RedisCache`` that carries on while
  Redis is out of reach), else local memory. The page cache and its purge (pagecache/), the
  articles' derived data (portal/), the password-reset limits (accounts/), the API token
  throttle (api/) and the sessions all live in it: with Redis a purge, a limit or a logout
  reaches every process at once.
- ``session_engine(redis_url)``: ``cached_db`` with Redis, the database alone without it.
- ``fragments``, always each process's own memory: parts of signed-in pages kept drawn
  (the plan page's goal and activity tables, keyed by what they show, and its unbound
  forms). Never Redis: a deploy restarts the processes, so markup from older templates
  never outlives the code that drew it.

Why ``cached_db`` and not ``cache``: the sessions page (``accounts.sessions``) lists a
user's devices from ``UserSession`` rows that point at ``django_session`` rows, and ends a
session by deleting it through the engine. ``cached_db`` keeps the database as the record
(every save writes the row, then the cache), answers reads from Redis (no query per
request), and its delete removes both, so a session ended on one machine is gone on all of
them. If Redis loses a key (restart, eviction) the session is read back from the database:
nobody is logged out, and while Redis is out of reach every session is read from the
database. The ``cache`` engine would write no row at all, and lose every session with Redis.

Redis out of reach: reads miss and writes are dropped, with a warning, so the site answers
from the database; which way each of the cache's users then fails, and why, is in
``config/redis_cache.py``. ``timeout`` bounds each wait for Redis (connecting, and each
reply): a Redis host that does not answer at all would otherwise hold a request for the
system's TCP timeout, minutes. After a failure the cache leaves Redis alone for
``retry_after`` seconds, then tries again: it comes back without a restart.
"""

from __future__ import annotations

from typing import Any

LOCAL_MEMORY_CACHE = "django.core.cache.backends.locmem.LocMemCache"
REDIS_CACHE = "config.redis_cache.ResilientRedisCache"
# Redis answers in well under a millisecond; a second without an answer is an outage.
DEFAULT_REDIS_TIMEOUT_SECONDS = 1.0
DEFAULT_REDIS_RETRY_AFTER_SECONDS = 5.0
# How many drawn fragments a process keeps (each a few KB to tens of KB).
FRAGMENT_CACHE_ENTRIES = 1000
FRAGMENTS = {
    "BACKEND": LOCAL_MEMORY_CACHE,
    "LOCATION": "clinic-portal-fragments",
    "OPTIONS": {"MAX_ENTRIES": FRAGMENT_CACHE_ENTRIES},
}
DATABASE_SESSIONS = "django.contrib.sessions.backends.db"
CACHED_DATABASE_SESSIONS = "django.contrib.sessions.backends.cached_db"


def caches(
    redis_url: str | None,
    key_prefix: str = "",
    timeout: float = DEFAULT_REDIS_TIMEOUT_SECONDS,
    retry_after: float = DEFAULT_REDIS_RETRY_AFTER_SECONDS,
) -> dict[str, dict[str, Any]]:
    """The ``CACHES`` setting: Redis at ``redis_url`` (keys under ``key_prefix``, for several
    sites on one Redis; ``timeout`` and ``retry_after`` in seconds, above), else this
    process's memory."""
    if not redis_url:
        return {
            "default": {"BACKEND": LOCAL_MEMORY_CACHE, "LOCATION": "clinic-portal"},
            "fragments": FRAGMENTS,
        }
    return {
        "fragments": FRAGMENTS,
        "default": {
            "BACKEND": REDIS_CACHE,
            "LOCATION": redis_url,
            "KEY_PREFIX": key_prefix,
            "OPTIONS": {
                # redis-py's connection pool's options, and the backend's own one.
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
                "RETRY_AFTER_SECONDS": retry_after,
            },
        },
    }


def session_engine(redis_url: str | None) -> str:
    """The ``SESSION_ENGINE`` setting: database rows read through Redis when there is one."""
    return CACHED_DATABASE_SESSIONS if redis_url else DATABASE_SESSIONS
