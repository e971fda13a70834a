"""Remember this browser: skip the code on the same browser for ``MFA_REMEMBER_DAYS`` days.

    response = remember_browser(request, response, user)   # after a good code, if asked
    recognised(request, user)                              # True: this browser is remembered
    forget_browsers(user, response=response)               # all of them, and this cookie

The cookie (``mfa_remember``: HttpOnly, SameSite=Lax, Secure where the session cookie is)
holds, signed with ``SECRET_KEY`` and timestamped, the user's id, a random reference to a
``RememberedBrowser`` row and a fingerprint of the user's password hash. It is accepted only
for that user, before it is ``MFA_REMEMBER_DAYS`` old, while the row exists and is not past
its date, and while the password is unchanged: a password change forgets every browser.
``MFA_REMEMBER_DAYS = 0`` turns the feature off.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import RememberedBrowser

COOKIE_NAME = "mfa_remember"
_SIGNING_SALT = "mfa.remember.cookie"
_PASSWORD_SALT = "mfa.remember.password"


def remember_days() -> int:
    return max(0, int(getattr(settings, "MFA_REMEMBER_DAYS", 30) or 0))


def _password_fingerprint(user) -> str:
    return salted_hmac(_PASSWORD_SALT, user.password, algorithm="sha256").hexdigest()[:32]


def _selector_hash(selector: str) -> str:
    return hashlib.sha256(selector.encode()).hexdigest()


def remember_browser(request: HttpRequest, response: HttpResponse, user) -> HttpResponse:
    """Record this browser for ``user`` and set the cookie on ``response``."""
    days = remember_days()
    if days == 0:
        return response
    now = timezone.now()
    RememberedBrowser.objects.filter(user=user, expires_at__lte=now).delete()
    selector = secrets.token_urlsafe(24)
    RememberedBrowser.objects.create(
        user=user,
        selector_hash=_selector_hash(selector),
        label=request.headers.get("User-Agent", "")[:200],
        expires_at=now + timedelta(days=days),
    )
    value = signing.dumps(
        {"u": user.pk, "s": selector, "p": _password_fingerprint(user)}, salt=_SIGNING_SALT
    )
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=days * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _remembered_row(request: HttpRequest, user) -> RememberedBrowser | None:
    value = request.COOKIES.get(COOKIE_NAME)
    days = remember_days()
    if not value or days == 0:
        return None
    try:
        data = signing.loads(value, salt=_SIGNING_SALT, max_age=timedelta(days=days))
    except signing.BadSignature:  # tampered with, or older than MFA_REMEMBER_DAYS
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return None
    if not constant_time_compare(str(data.get("p", "")), _password_fingerprint(user)):
        return None
    return RememberedBrowser.objects.filter(
        user=user,
        selector_hash=_selector_hash(str(data.get("s", ""))),
        expires_at__gt=timezone.now(),
    ).first()


def recognised(request: HttpRequest, user) -> bool:
    """Whether this request comes from a browser ``user`` asked to remember."""
    row = _remembered_row(request, user)
    if row is None:
        return False
    RememberedBrowser.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return True


def remembered_count(user) -> int:
    return RememberedBrowser.objects.filter(user=user, expires_at__gt=timezone.now()).count()


def forget_browsers(user, *, response: HttpResponse | None = None) -> int:
    """Forget every browser ``user`` asked to remember; drop this one's cookie too."""
    deleted, _ = RememberedBrowser.objects.filter(user=user).delete()
    if response is not None:
        response.delete_cookie(COOKIE_NAME, samesite="Lax")
    return deleted
