"""A site-wide number that changes whenever published content may have changed.

Caches of what a page shows beyond its own fields (related articles, where its links point,
topic and people names) put `current()` in their keys, so one `bump()` retires them all at
once. `portal.content_signals` bumps it on every publish, unpublish, move and deletion and
on every change to a snippet, image, view restriction or site. It lives in Django's cache
(Redis in production, so every web process sees the same number); a fresh number starts
from the clock, so it never repeats one that older entries may still carry.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "portal:content-generation"


def current() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY, 0)
    return generation


def _increment() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def bump() -> None:
    """Retire every cache keyed on the generation, now and again when the change commits.

    Now, so this connection never reads its own old entries; on commit, so a reader that
    cached the committed-before state while the transaction was open is retired too.
    """
    _increment()
    transaction.on_commit(_increment)
