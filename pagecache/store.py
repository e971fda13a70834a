"""The cached pages and the generation that makes them all stale at once.

Every entry records the generation current when its request *began*; it is fresh while that
is still the generation and it is younger than ``PAGECACHE_TIMEOUT``. ``purge()`` sets a new
generation (the time, in nanoseconds): one cache write makes every page, listing, feed,
sitemap and linking page stale for every process sharing the cache. A request that read the
database before a purge stores its page under the old generation, so it can never be taken
for fresh afterwards.

Stale entries stay ``PAGECACHE_STALE_IF_ERROR`` seconds more, to answer while the site fails;
``withdraw(page_ids)`` (unpublished, deleted, made private) keeps those pages' copies from
being served even then.

A lookup is one round trip (``get_many`` of the generation and the entry). While the cache
keeps nothing (Redis out of reach), a lookup finds no generation and the page is neither served
from the cache nor stored.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

from pagecache import conf

GENERATION_KEY = "pagecache:generation"
WITHDRAWN_PREFIX = "pagecache:withdrawn:"


@dataclass(frozen=True)
class Entry:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    generation: int
    stored_at: float
    page_id: int | None

    def is_fresh(self, generation: int) -> bool:
        return self.generation == generation and time.time() - self.stored_at < conf.timeout()

    @property
    def last_modified(self) -> int:
        """The last purge before this copy was rendered, in whole seconds since the epoch."""
        return self.generation // 1_000_000_000


def _new_generation() -> int:
    return time.time_ns()


def lookup(key: str) -> tuple[int | None, Entry | None]:
    """The current generation (started now if the cache lost it) and the entry, if any. No
    generation when the cache keeps nothing (Redis out of reach, config/redis_cache.py)."""
    cache = conf.cache()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, _new_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation, found.get(key)


def save(key: str, entry: Entry) -> None:
    conf.cache().set(key, entry, timeout=conf.timeout() + conf.stale_if_error())


def purge() -> None:
    """Every cached page is stale from now on."""
    conf.cache().set(GENERATION_KEY, _new_generation(), timeout=None)


def withdraw(page_ids: Iterable[int]) -> None:
    """These pages' stale copies are never served, not even while the site fails."""
    lasting = conf.timeout() + conf.stale_if_error()
    conf.cache().set_many({f"{WITHDRAWN_PREFIX}{pk}": True for pk in page_ids}, timeout=lasting)


def may_serve_stale(entry: Entry) -> bool:
    if entry.page_id is None:
        return True
    return not conf.cache().get(f"{WITHDRAWN_PREFIX}{entry.page_id}", False)


def reinstate(page_id: int) -> None:
    """A page published again may answer from its stale copy once more."""
    conf.cache().delete(f"{WITHDRAWN_PREFIX}{page_id}")
