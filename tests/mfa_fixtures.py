"""Helpers for tests that meet the second factor (mfa/). Import them where needed:

    client = recently_authenticated(client)   # step-up passed just now (mfa.stepup)
    device, codes = enrol(user)               # a confirmed authenticator app + 10 recovery codes
    code = app_code(device)                   # the code the app shows now (django_otp.oath)
    client = verified_client(user)            # logged in, second factor passed

Devices are made through the app's own services (``mfa.devices``), as a user would.
"""

from __future__ import annotations

import time

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.devices import confirm_enrolment, pending_device
from mfa.session import REAUTHENTICATED_AT_KEY, stamp_recent_authentication

TEST_PASSWORD = "x-test-pass-1"  # what tests.careteam_domain_fixtures.make_user sets


def recently_authenticated(client: Client, *, seconds_ago: float = 0) -> Client:
    """Stamp the client's session as if its user had just confirmed their password."""
    session = client.session
    stamp_recent_authentication(session)
    session[REAUTHENTICATED_AT_KEY] -= seconds_ago
    session.save()
    return client


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the user's app shows now (or ``steps_ahead`` time steps later: the device
    accepts one step of drift, and a code once only)."""
    if steps_ahead == 0:
        return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits)
    generator.time = time.time() + steps_ahead * device.step
    return f"{generator.token():0{device.digits}d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """A confirmed authenticator app for ``user``, set up as the enrolment page does."""
    device = pending_device(user)
    enrolment = confirm_enrolment(device, app_code(device))
    assert enrolment is not None
    enrolment.device.refresh_from_db()
    return enrolment.device, enrolment.recovery_codes


def mark_verified(client: Client, device: TOTPDevice) -> Client:
    """Mark the client's session as having passed the second factor with ``device``."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def verified_client(user, device: TOTPDevice) -> Client:
    client = Client()
    client.force_login(user)
    return mark_verified(client, device)
