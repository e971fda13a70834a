"""Making, using and revoking API tokens. How to use:

    made = create_token(user, name="Physio exercise app", days=90)
    made.secret          # "cpt_…": show it once, it is never stored or shown again
    revoke_token(made.token, user)
    token = authenticate_token("cpt_…")   # the usable ApiToken, or None

Only the SHA-256 digest is kept: a token is 32 random bytes, so a slow hash would add
nothing. ``authenticate_token`` records when a token was last used at most once a minute,
so a busy system does not write a row on every call. Making and revoking are audited.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event

from .models import NAME_MAX_LENGTH, ApiToken

TOKEN_PREFIX = "cpt_"  # "care portal token": easy to spot in a leaked log or file
PREFIX_SHOWN = 12  # the prefix plus 8 random characters, to tell tokens apart
LAST_USED_EVERY = datetime.timedelta(minutes=1)
MAX_NAME = NAME_MAX_LENGTH


@dataclass(frozen=True)
class MadeToken:
    token: ApiToken
    secret: str  # the whole token: shown once


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the token a name that says what it is for.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"A token's name can be at most {MAX_NAME} characters long.")
    return name


def clean_days(days: int) -> int:
    if not 1 <= days <= max_days():
        raise ValidationError(f"A token lasts between 1 and {max_days()} days.")
    return days


def create_token(user: User, *, name: str, days: int, via: str = "") -> MadeToken:
    """A new token for ``user``, usable for ``days`` days. The caller has confirmed it is
    the user (their password, and their second factor if they use one), or it is made for
    them by an administrator (``via``: "manage.py api_token", recorded)."""
    name, days = clean_name(name), clean_days(days)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:PREFIX_SHOWN],
        digest=digest(secret),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    try:
        with transaction.atomic():
            token.save()
            detail: dict = {"expires": token.expires_at} | ({"via": via} if via else {})
            record_event(user, AuditAction.CREATED, token, detail=detail)
    except IntegrityError:
        raise ValidationError(f"You already have a token called “{name}”.") from None
    return MadeToken(token, secret)


def revoke_token(token: ApiToken, actor: User, *, via: str = "") -> bool:
    """Revoke ``token`` at once; False if it was revoked already. Only its owner may."""
    if token.user_id != actor.pk:
        raise PermissionError("Only a token's owner can revoke it.")
    with transaction.atomic():
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            record_event(actor, AuditAction.REVOKED, token, detail={"via": via} if via else None)
    token.refresh_from_db()
    return bool(revoked)


def revoke_all_tokens(user: User, *, reason: str) -> int:
    """Revoke every token ``user`` holds (their login closed or its password changed)."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    if tokens:
        ApiToken.objects.filter(pk__in=[token.pk for token in tokens]).update(
            revoked_at=timezone.now()
        )
        for token in tokens:
            record_event(user, AuditAction.REVOKED, token, detail={"reason": reason})
    return len(tokens)


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens that are not revoked, newest first (expired ones included, so the
    owner sees that they have expired)."""
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))


def authenticate_token(secret: str) -> ApiToken | None:
    """The usable token ``secret`` is, with its user; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None:
        return None
    if not (token.is_usable and token.user.is_active):
        # A real token, revoked or expired: someone still holds it. On its owner's trail.
        record_event(
            token.user, AuditAction.DENIED, token, detail={"reason": "token revoked or expired"}
        )
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
