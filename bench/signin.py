"""Signed-in sessions for the bench's users, made the way a finished login makes them.

The bench cannot type passwords and authenticator codes for fifty users: production asks
staff for a second factor (``MFA_REQUIRED_FOR_STAFF`` is always on there), and a TOTP code
is accepted once per 30-second step, so one provider could not sign in ten load-test users
in one step. So, before any request is measured, the bench

- gives each staff user it signs in a confirmed authenticator app, through the enrolment
  service (``mfa.devices``: ``pending_device`` then ``confirm_enrolment`` with the app's
  current code), as the set-up page does (``ensure_second_factor``, run while seeding);
- then, per session, runs Django's own ``login()`` on a request from 127.0.0.1 (every
  ``user_logged_in`` receiver runs: the session's idle timeout and listing, the second
  factor's login facts, the login trail) and django-otp's ``login()`` with that device (what
  the verify page does once the code matches), and saves the session in the configured
  session store (``sign_in``).

Nothing in the settings is loosened: the stack keeps production's second factor, lockout and
session rules, and each session is one a user could have obtained. Password checks and
lockout counting (django-axes) are skipped because no password is typed; bench/README.md
says how lockout would treat fifty users signing in from one address.

``python -m bench.sessions`` runs ``sign_in`` under the web stack's own settings and
environment, so the sessions land in the store the stack reads.
"""

from __future__ import annotations

from importlib import import_module

import django_otp
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import resolve_url
from django.test import RequestFactory
from django.utils.module_loading import import_string
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.staff import is_staff
from mfa.devices import confirm_enrolment, confirmed_app, pending_device

BENCH_ADDRESS = "127.0.0.1"
BENCH_USER_AGENT = "clinic-portal-bench/1 (load test)"


def password_backend() -> str:
    """The configured backend that logs users in by password (Django's ``ModelBackend`` or
    the site's subclass of it): a session names the backend that logged it in."""
    for path in settings.AUTHENTICATION_BACKENDS:
        if issubclass(import_string(path), ModelBackend):
            return path
    raise RuntimeError("no password backend in AUTHENTICATION_BACKENDS")


def current_code(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for ``device``."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):0{device.digits}d}"


def ensure_second_factor(user) -> TOTPDevice | None:
    """A confirmed authenticator app for a staff ``user`` (enrolled now if missing), as the
    set-up page makes one; None for anyone else."""
    if not is_staff(user):
        return None
    device = confirmed_app(user)
    if device is not None:
        return device
    pending = pending_device(user)
    enrolment = confirm_enrolment(pending, current_code(pending))
    if enrolment is None:
        raise RuntimeError(f"could not enrol a second factor for {user}")
    return enrolment.device


def sign_in(user) -> str:
    """A new session in which ``user`` has logged in from 127.0.0.1 and, if they have an
    authenticator app, passed the second factor with it; its key (the session cookie)."""
    request = RequestFactory().get(
        resolve_url(settings.LOGIN_URL), REMOTE_ADDR=BENCH_ADDRESS, HTTP_USER_AGENT=BENCH_USER_AGENT
    )
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()
    login(request, user, backend=password_backend())
    device = confirmed_app(user)
    if device is not None:
        django_otp.login(request, device)
    request.session.save()
    return request.session.session_key
