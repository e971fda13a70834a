"""Who is calling the API: a system with a bearer token, or a person's browser session.

    from api.auth import API_AUTH, TokenRateThrottle
    api = NinjaAPI(auth=API_AUTH, throttle=[TokenRateThrottle()])

``API_AUTH`` tries ``Authorization: Bearer cpt_…`` first (``api.tokens``), then the
session cookie, which for a change needs Django's CSRF token as the pages do. A token call
runs as the token's user, so every rule is the policy's as on the pages; its audit events
say which token made them (``request.audit_via``). Token calls are rate-limited per user
(``API_TOKEN_RATE``; 429 with ``Retry-After``); a browser session is not.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle

from audit.services import VIA_ATTRIBUTE

from .tokens import authenticate_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate_token(token)
        if found is None:
            return None
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        setattr(request, VIA_ATTRIBUTE, f"API token “{found.name}”")
        return found.user


# The session: a person logged in to the site, whose second factor, where they have one,
# ``mfa.middleware`` has already asked for (a JSON request without it gets a 401 there).
API_AUTH = [BearerToken(), SessionAuth()]


def caller(request: HttpRequest) -> User:
    """The authenticated user making an API call (``API_AUTH`` has let them in)."""
    user = request.user
    if not isinstance(user, User):
        raise AuthenticationError()
    return user


class TokenRateThrottle(SimpleRateThrottle):
    """At most ``API_TOKEN_RATE`` token calls per user (e.g. "120/m": all their tokens
    together, so more tokens buy no more calls), read on each call. Counted in the default
    cache: across processes when that is Redis (``REDIS_URL``)."""

    scope = "api-token"

    def __init__(self) -> None:
        super().__init__(settings.API_TOKEN_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_TOKEN_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if token is None:
            return None  # a person's browser session: not throttled here
        # The account, not just its id: an id may name another account after a deletion.
        account = f"{token.user_id}-{token.user.date_joined.timestamp():.6f}"
        return self.cache_format % {"scope": self.scope, "ident": account}
