"""Helpers for the accounts tests: log in through the real form from a chosen address, and a
clock that django-axes and Django's ``timezone.now`` both read.

    response = attempt(client, "sam", "wrong", ip=OTHER_IP)
    clock = Clock.install(monkeypatch); clock.advance(minutes=5)
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

HOME_IP = "203.0.113.10"  # addresses reserved for documentation (RFC 5737)
OTHER_IP = "198.51.100.20"
SAM_PASSWORD = "Lantern-ferry-quietly-94"
CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


def make_sam(**extra):
    return get_user_model().objects.create_user(
        "sam",
        email="sam.ortiz@example.com",
        password=SAM_PASSWORD,
        first_name="Sam",
        last_name="Ortiz",
        **extra,
    )


def attempt(client, username: str, password: str, *, ip: str = HOME_IP, **extra):
    """POST the site's login form as a browser at ``ip`` would."""
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip, **extra
    )


def fail(client, username: str, times: int, *, ip: str = HOME_IP) -> list[int]:
    return [attempt(client, username, "not-the-password", ip=ip).status_code for _ in range(times)]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


class Clock:
    """A fixed 'now' for axes (which stamps each request) and for ``timezone.now``."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def advance(self, **delta) -> None:
        self.now += datetime.timedelta(**delta)

    @classmethod
    def install(cls, monkeypatch) -> Clock:
        clock = cls()
        monkeypatch.setattr("axes.handlers.proxy.now", lambda: clock.now)
        monkeypatch.setattr("django.utils.timezone.now", lambda: clock.now)
        return clock
