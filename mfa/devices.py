"""A user's second factor: an authenticator app (django-otp's TOTP device) and ten one-time
recovery codes (its static device), made and removed together.

    device = pending_device(user)                 # unconfirmed until the app's code matches
    codes = confirm_enrolment(device, "123456")   # None if wrong, else the 10 codes, once
    outcome = verify_code(user, "123456")         # or a recovery code: outcome.device, .throttled
    codes = replace_recovery_codes(user)
    remove_second_factor(user)

Every change to a user's second factor, and every recovery code used, is told to the user by
email (``accounts.notices``), so one they did not make does not go unnoticed.

Wrong codes slow down exponentially (django-otp's throttling: 1, 2, 4… seconds after each
failure, per device; ``OTP_TOTP_THROTTLE_FACTOR``, ``OTP_STATIC_THROTTLE_FACTOR``). A TOTP
code is accepted once only (django-otp keeps the last time step used).

django-otp stores static tokens as typed. Here a recovery code is never stored: its
``StaticToken.token`` holds the first 16 hex digits of an HMAC-SHA256 of the code keyed with
``SECRET_KEY``, so the database alone does not reveal the codes. Rotating ``SECRET_KEY`` voids
them (users make new ones at /accounts/mfa/). The TOTP secret has to stay readable by the
server, as in every TOTP system.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.notices import Notice, notify

RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
RECOVERY_GROUP = 5  # shown as two groups of five: "k7hcm-2xq9p"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
_HASH_SALT = "mfa.devices.recovery-code"

METHOD_APP = "authenticator app"
METHOD_RECOVERY = "recovery code"


def confirmed_app(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user) -> bool:
    """Whether the user has a confirmed authenticator app (one query)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user) -> TOTPDevice:
    """The user's unconfirmed app device, made on first call and kept while they scan it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def normalise_code(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _stored_form(code: str) -> str:
    return salted_hmac(_HASH_SALT, normalise_code(code), algorithm="sha256").hexdigest()[:16]


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(2 * RECOVERY_GROUP))
    return f"{raw[:RECOVERY_GROUP]}-{raw[RECOVERY_GROUP:]}"


def _new_recovery_codes(user) -> list[str]:
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=_stored_form(code)) for code in codes
        )
    return codes


def replace_recovery_codes(user) -> list[str]:
    """Void the user's recovery codes and return ten new ones (shown once, never stored)."""
    codes = _new_recovery_codes(user)
    notify(user, Notice.RECOVERY_CODES_REPLACED)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def confirm_enrolment(device: TOTPDevice, code: str) -> Enrolment | None:
    """Confirm ``device`` if ``code`` is the app's current one, replace any earlier app and
    make new recovery codes. None (and a slower next try) if the code is wrong."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, confirmed=False)
        device = locked.first()
        if device is None or not device.verify_token(normalise_code(code)):
            return None
        others = TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk)
        replacing = others.filter(confirmed=True).exists()
        others.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        notify(
            device.user,
            Notice.SECOND_FACTOR_REPLACED if replacing else Notice.SECOND_FACTOR_ADDED,
        )
        return Enrolment(device=device, recovery_codes=_new_recovery_codes(device.user))


@dataclass(frozen=True)
class VerifyOutcome:
    """What became of a code: the device that took it, else whether it was throttled."""

    device: Device | None
    method: str
    throttled: bool = False
    retry_after: int = 0  # seconds, when throttled

    @property
    def ok(self) -> bool:
        return self.device is not None


def _looks_like_app_code(code: str) -> bool:
    return code.isdigit() and len(code) in (6, 8)


def verify_code(user, code: str) -> VerifyOutcome:
    """Check a code from the user's app (six digits) or one of their recovery codes, which is
    then used up. Wrong codes and throttled attempts leave the device locked a little longer."""
    code = normalise_code(code)
    app = _looks_like_app_code(code)
    method = METHOD_APP if app else METHOD_RECOVERY
    model = TOTPDevice if app else StaticDevice
    with transaction.atomic():
        device = (
            model.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return VerifyOutcome(device=None, method=method)
        allowed, details = device.verify_is_allowed()
        if not allowed:
            return VerifyOutcome(
                device=None, method=method, throttled=True, retry_after=_seconds_until(details)
            )
        token = code if app else _stored_form(code)
        if device.verify_token(token):
            if not app:
                notify(user, Notice.RECOVERY_CODE_USED)
            return VerifyOutcome(device=device, method=method)
    return VerifyOutcome(device=None, method=method)


def _seconds_until(details: dict | None) -> int:
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, int((locked_until - timezone.now()).total_seconds() + 0.999))


def remove_second_factor(user) -> bool:
    """Delete the user's app and recovery codes (they may enrol again); whether they had a
    second factor set up (then they are told)."""
    with transaction.atomic():
        had_one = has_second_factor(user)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if had_one:
            notify(user, Notice.SECOND_FACTOR_REMOVED)
    return had_one
