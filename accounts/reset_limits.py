"""How often a password reset email may be asked for, counted in Django's default cache.

    if reset_limits.allow_reset_request(request, email):
        form.save(...)

Two counts, each over a window of ``ACCOUNTS_RESET_LIMIT_WINDOW`` seconds that starts at its
first request: the requests from one client address (``ACCOUNTS_RESET_ADDRESS_LIMIT``) and the
requests naming one email address, whether or not a login has it
(``ACCOUNTS_RESET_EMAIL_LIMIT``). Every valid request counts in both. Over either limit the
request is refused: nothing is sent, and the page answers as for any other request, so the
refusal tells nobody whether the address belongs to a login.

The first refused request of each window is audited (who was asked for, from where); the
rest of that window's refusals are not, so flooding the form cannot flood the audit trail.
The counts are only as shared as the cache: one per process with the local-memory cache,
one for the whole site with Redis (production, with ``REDIS_URL``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import client_ip, record_event

KEY_PREFIX = "accounts:reset-requests"
REFUSAL_REASON = "password reset requests over the limit"


@dataclass(frozen=True)
class Limit:
    counts: str  # what is counted, in words, for the audit trail
    key: str
    allowed: int


def _key(kind: str, value: str) -> str:
    # Hashed: any text fits a cache key, and the cache holds no email address.
    return f"{KEY_PREFIX}:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def _count(key: str, window: int) -> int:
    """One more request in the key's window; how many so far (atomic in every cache that
    implements ``incr`` itself: local memory, Redis, Memcached)."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, timeout=window)
        return 1


def normalised(email: str) -> str:
    """Logins are found by email case-insensitively: so are the requests counted."""
    return email.strip().lower()


def allow_reset_request(request: HttpRequest, email: str) -> bool:
    """Count this request; False (and audited, once a window) if it is over a limit."""
    address = client_ip(request)
    limits = (
        Limit(
            "requests from one address",
            _key("address", address or "unknown"),
            settings.ACCOUNTS_RESET_ADDRESS_LIMIT,
        ),
        Limit(
            "requests for one email address",
            _key("email", normalised(email)),
            settings.ACCOUNTS_RESET_EMAIL_LIMIT,
        ),
    )
    window = settings.ACCOUNTS_RESET_LIMIT_WINDOW
    counted = [(limit, _count(limit.key, window)) for limit in limits]
    over = [(limit, count) for limit, count in counted if count > limit.allowed]
    if not over:
        return True
    reached = [limit for limit, count in over if count == limit.allowed + 1]
    if reached:
        record_event(
            None,
            AuditAction.DENIED,
            None,
            request=request,
            detail={
                "reason": REFUSAL_REASON,
                "limits": [f"{limit.allowed} {limit.counts}" for limit in reached],
                "email_asked_for": normalised(email),
                "ip_address": address,
                "window_minutes": window // 60,
            },
        )
    return False
