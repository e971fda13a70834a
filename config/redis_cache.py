"""``ResilientRedisCache``: Django's own Redis cache, which carries on while Redis is out of
reach instead of failing every request that touches the cache (``config/settings/
cache_sessions.py`` names it whenever ``REDIS_URL`` is set).

Django's ``RedisCache`` raises whatever redis-py raises: with Redis down, a page cache lookup,
a session read and the purge on publish all failed. While Redis does not answer, this one
behaves as an empty cache that keeps nothing:

- reads miss: ``get`` gives the default, ``get_many`` nothing, ``has_key`` False;
- writes are dropped: ``add``, ``touch`` and ``delete`` answer False, ``set_many`` names every
  key as not stored, and ``incr`` raises ``ValueError``, Django's answer for a missing key.

What the site's users of the cache then do, and which way each fails:

- Sessions (``cached_db``) are read from their database rows and saved to them as always:
  nobody is logged out. The page cache misses, stores nothing, and pages render from the
  database; a publish works and its purge is dropped (and made good on return, below).
- Password-reset limits (``accounts.reset_limits``) fail open: each request counts as the
  first of its window and is allowed. Refusing every reset for the outage would lock out
  whoever forgot a password, patients included; letting them through risks more reset
  emails than the limit for as long as the outage lasts, each still sent only to the
  login's own address, while logins stay limited by the lockout counted in the database.
- The API token throttle (``api.auth``) fails open: the calls' history reads as empty, so
  calls go through. Tokens belong to the clinic's own systems, every call is still
  authenticated, checked against the policy and audited; the throttle guards capacity, not
  data, and refusing every call would turn a cache outage into an API outage.
- ``/readyz`` reports the cache unavailable (its probe reads nothing back), for monitoring.

Why not django-redis's ``IGNORE_EXCEPTIONS``, the library one reaches for: (1) it tries the
dead server on every call, and a Redis host that does not answer at all (down, or cut off)
then costs the connect timeout several times per request; this one pauses for
``RETRY_AFTER_SECONDS`` after a failure, then tries again, so it also picks Redis up again
without a restart. (2) It forgets what it dropped; this one deletes those keys as soon as
Redis answers again (below). (3) Its ignored ``incr`` answers None, which the reset limits
compare with a number and fail on, and it logs every ignored call as an error with its
traceback, several per request; this one warns once per attempt to reach Redis.

Keys whose write or delete was dropped are remembered and deleted first thing when Redis
answers again. Redis cut off rather than restarted still holds their old values: a session
since ended (a logout, the sessions page, a new password), the page cache's generation from
before a purge, a page since withdrawn, the portal's content generation. Without this they
would come back with Redis: an ended session honoured again, a changed page served as fresh.
Past ``MAX_REMEMBERED_KEYS`` (or after a dropped ``clear``) the whole cache is cleared
instead. This memory is the process's own: docs/deploy.md says what to do after an outage
besides.

Django keeps one cache object per thread, so this state is each thread's own: no locks.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Our option, taken out of OPTIONS before the rest reach redis-py's connection pool.
RETRY_AFTER_OPTION = "RETRY_AFTER_SECONDS"
DEFAULT_RETRY_AFTER_SECONDS = 5.0
# At about 100 bytes a key, a few megabytes at most; an outage that drops more writes than
# this ends with the whole cache cleared.
MAX_REMEMBERED_KEYS = 50_000
# Keys deleted per command when Redis is back, so no single command holds Redis up.
DELETE_BATCH = 1_000

_DROPPED = object()


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = dict(params.get("OPTIONS", {}))
        self.retry_after = float(options.pop(RETRY_AFTER_OPTION, DEFAULT_RETRY_AFTER_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        # 0 while Redis answers; once it fails, the time.monotonic() before which it is not
        # called again.
        self._paused_until = 0.0
        self._dropped: set[tuple[str, int | None]] = set()  # (key, version)
        self._clear_on_return = False

    # --- Reads: a miss while Redis is out of reach ------------------------------------------

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call(partial(super().get, key, default, version), default)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._call(partial(super().get_many, keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._call(partial(super().has_key, key, version), False)

    # --- Writes: dropped, and their keys remembered ------------------------------------------

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._write([key], version, partial(super().set, key, value, timeout, version), None)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._write(
            [key], version, partial(super().add, key, value, timeout, version), False
        )

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._write([key], version, partial(super().touch, key, timeout, version), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._write([key], version, partial(super().delete, key, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        answer = self._write([key], version, partial(super().incr, key, delta, version), _DROPPED)
        if answer is _DROPPED:
            raise ValueError(f"Key '{key}' not found: the Redis cache is out of reach.")
        return answer

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        keys = list(data)
        return self._write(keys, version, partial(super().set_many, data, timeout, version), keys)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        keys = list(keys)
        self._write(keys, version, partial(super().delete_many, keys, version), None)

    def clear(self) -> None:
        if self._call(super().clear, _DROPPED) is _DROPPED:
            self._clear_on_return = True

    # --- Reaching Redis ----------------------------------------------------------------------

    def _write(
        self, keys: list[Any], version: int | None, call: Callable[[], Any], dropped: Any
    ) -> Any:
        answer = self._call(call, _DROPPED)
        if answer is not _DROPPED:
            return answer
        self._remember((key, version) for key in keys)
        return dropped

    def _call(self, call: Callable[[], Any], fallback: Any) -> Any:
        """``call()``'s answer, or ``fallback`` if Redis fails now or failed moments ago."""
        if time.monotonic() < self._paused_until:
            return fallback
        try:
            self._make_good_what_was_dropped()
            return call()
        except RedisError as error:
            self._paused_until = time.monotonic() + self.retry_after
            logger.warning(
                "The Redis cache is out of reach (%s: %s): reads miss and writes are dropped; "
                "trying again in %g s.",
                type(error).__name__,
                error,
                self.retry_after,
            )
            return fallback

    def _remember(self, keys: Iterable[tuple[str, int | None]]) -> None:
        if self._clear_on_return:
            return
        self._dropped.update(keys)
        if len(self._dropped) > MAX_REMEMBERED_KEYS:
            self._dropped.clear()
            self._clear_on_return = True

    def _make_good_what_was_dropped(self) -> None:
        """Before anything else once Redis answers again: the keys whose writes were dropped
        are deleted (or the cache cleared), so no value they would have replaced comes back."""
        if not self._paused_until:
            return  # never out of reach, or already made good
        if self._clear_on_return:
            super().clear()
            done = "cleared, as too many writes were dropped"
        else:
            by_version: dict[int | None, list[str]] = defaultdict(list)
            for key, version in self._dropped:
                by_version[version].append(key)
            for version, keys in by_version.items():
                for start in range(0, len(keys), DELETE_BATCH):
                    super().delete_many(keys[start : start + DELETE_BATCH], version)
            done = f"{len(self._dropped)} keys whose writes were dropped are deleted"
        logger.warning("The Redis cache answers again: %s.", done)
        self._dropped.clear()
        self._clear_on_return = False
        self._paused_until = 0.0
