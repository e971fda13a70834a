"""Login throttling with django-axes: per account and per address, with a cool-off that
grows with repeated lockouts and never becomes permanent.

How to use: the settings point axes here (``AXES_HANDLER = "accounts.lockout.LockoutHandler"``,
``AXES_COOLOFF_TIME = "accounts.lockout.cool_off"``, ``AXES_CLIENT_IP_CALLABLE =
"accounts.lockout.client_ip_address"``); ``locked_until(request)`` tells the lockout page
when logging in works again. Administrators unlock with axes' own commands
(``manage.py axes_reset_username NAME``, ``axes_reset_ip ADDRESS``).

Rules, all from settings:

- An account (the username tried, whether or not it exists) is locked after
  ``AXES_FAILURE_LIMIT`` failures; an address after ``ACCOUNTS_ADDRESS_FAILURE_LIMIT``
  failures across any usernames (higher, as a whole clinic may share one address).
- A failure counts for the lockout window of its group: ``ACCOUNTS_LOCKOUT_MINUTES``, doubled
  for each earlier lockout of that account (or address) in the last 24 hours, capped at
  ``ACCOUNTS_LOCKOUT_MAX_MINUTES``. So a lockout lasts that long after the failure that caused
  it; tries during a lockout are refused without being counted, so they do not extend it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from axes.utils import reset as reset_attempts
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.utils import timezone

from audit.services import client_ip

from .login_trail import longest_username
from .models import LoginLockout

HISTORY = datetime.timedelta(hours=24)
_WINDOWS_ATTRIBUTE = "_accounts_lockout_windows"


def client_ip_address(request: HttpRequest) -> str | None:
    """The address axes counts: the same one the audit trail records."""
    return client_ip(request)


def attempt_time(request: HttpRequest | None) -> datetime.datetime:
    """The moment axes stamped on this request (tests move it), else now."""
    return getattr(request, "axes_attempt_time", None) or timezone.now()


def counted_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The username axes counts and stores (``AXES_USERNAME_CALLABLE``): the one tried, cut
    to the longest a real username can be. No account has a longer one, and axes' columns
    would refuse it (a 500 on PostgreSQL)."""
    source = credentials if credentials else getattr(request, "POST", None) or {}
    username = source.get(get_user_model().USERNAME_FIELD)
    if username is None:
        return None
    return str(username)[: longest_username()]


def tried_username(request: HttpRequest, credentials: dict | None = None) -> str:
    return get_client_username(request, credentials) or ""


def growing_window(earlier_lockouts: int) -> datetime.timedelta:
    """The first lockout lasts the base minutes; each further one in 24 h doubles it."""
    base = datetime.timedelta(minutes=settings.ACCOUNTS_LOCKOUT_MINUTES)
    cap = datetime.timedelta(minutes=settings.ACCOUNTS_LOCKOUT_MAX_MINUTES)
    doublings = min(max(earlier_lockouts - 1, 0), 16)
    return min(base * 2**doublings, cap)


def longest_window() -> datetime.timedelta:
    return max(growing_window(0), datetime.timedelta(minutes=settings.ACCOUNTS_LOCKOUT_MAX_MINUTES))


def lockout_windows(
    request: HttpRequest, credentials: dict | None = None
) -> tuple[datetime.timedelta, datetime.timedelta]:
    """(account window, address window) for this request, one query, kept on the request."""
    username = tried_username(request, credentials)
    cached = getattr(request, _WINDOWS_ATTRIBUTE, {})
    if username in cached:
        return cached[username]
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    counts = LoginLockout.objects.filter(locked_at__gte=attempt_time(request) - HISTORY).aggregate(
        account=Count("pk", filter=Q(username=username)),
        address=Count("pk", filter=Q(ip_address=ip_address)),
    )
    windows = (growing_window(counts["account"]), growing_window(counts["address"]))
    setattr(request, _WINDOWS_ATTRIBUTE, {**cached, username: windows})
    return windows


def forget_windows(request: HttpRequest) -> None:
    """After a new lockout the windows grow: compute them again."""
    if hasattr(request, _WINDOWS_ATTRIBUTE):
        delattr(request, _WINDOWS_ATTRIBUTE)


def cool_off(request: HttpRequest | None) -> datetime.timedelta:
    """``AXES_COOLOFF_TIME``: the longest window that applies to this request."""
    if request is None:
        return growing_window(0)
    return max(lockout_windows(request))


@dataclass(frozen=True)
class Group:
    """One lockout parameter group (the account, or the address) for one request."""

    attempts: QuerySet  # every stored attempt of the group
    window: datetime.timedelta
    limit: int

    def recent(self, now: datetime.datetime) -> QuerySet:
        return self.attempts.filter(attempt_time__gte=now - self.window)


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with a window and a failure limit per group."""

    def groups(self, request: HttpRequest, credentials: dict | None = None) -> list[Group]:
        account_window, address_window = lockout_windows(request, credentials)
        account_limit = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        querysets = self.filter_user_attempts(request, credentials)
        groups = []
        for parameter, attempts in zip(parameters, querysets, strict=True):
            by_account = "username" in ([parameter] if isinstance(parameter, str) else parameter)
            groups.append(
                Group(
                    attempts,
                    account_window if by_account else address_window,
                    account_limit if by_account else settings.ACCOUNTS_ADDRESS_FAILURE_LIMIT,
                )
            )
        return groups

    def get_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> list:
        now = attempt_time(request)
        return [group.recent(now) for group in self.groups(request, credentials)]

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The worst group's failures, scaled to ``AXES_FAILURE_LIMIT``: axes compares one
        number with one limit, so a group at its own limit must reach axes' limit."""
        now = attempt_time(request)
        account_limit = get_failure_limit(request, credentials)
        worst = 0
        for group in self.groups(request, credentials):
            total = group.recent(now).aggregate(total=Sum("failures_since_start"))["total"] or 0
            worst = max(worst, total * account_limit // max(group.limit, 1))
        return worst

    def clean_expired_user_attempts(
        self, request: HttpRequest | None = None, credentials: dict | None = None
    ) -> int:
        """Drop attempts older than the longest possible window, and this client's own row
        once it is older than both its windows (so it starts again from one failure).
        Never another account's recent attempts: their windows may be longer."""
        now = attempt_time(request)
        count, _ = AccessAttempt.objects.filter(attempt_time__lt=now - longest_window()).delete()
        if request is not None:
            own = AccessAttempt.objects.filter(
                username=tried_username(request, credentials),
                ip_address=getattr(request, "axes_ip_address", None),
                attempt_time__lt=now - max(lockout_windows(request, credentials)),
            )
            count += own.delete()[0]
        return count

    def locked_until(
        self, request: HttpRequest, credentials: dict | None = None
    ) -> datetime.datetime | None:
        """When the last group holding this request locked lets go; None if none does.

        A group lets go when so many of its newest failures have aged out of its window
        that fewer than its limit remain."""
        now = attempt_time(request)
        until = None
        for group in self.groups(request, credentials):
            counted = 0
            rows = group.recent(now).order_by("-attempt_time")
            for when, failures in rows.values_list("attempt_time", "failures_since_start"):
                counted += failures
                if counted >= group.limit:
                    lifted = when + group.window
                    until = lifted if until is None else max(until, lifted)
                    break
        return until


def locked_until(request: HttpRequest, credentials: dict | None = None) -> datetime.datetime | None:
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if isinstance(handler, LockoutHandler):
        return handler.locked_until(request, credentials)
    return None


def unlock_username(username: str) -> int:
    """Lift the account's lockout (its owner just proved control of the login's email by
    resetting the password). The address lockouts stay. Returns the attempts removed."""
    return reset_attempts(username=username)


def refused_during_lockout(request: HttpRequest) -> bool:
    """Whether this login try was refused, uncounted, because a lockout holds (axes marks the
    request locked out and, unlike a counted failure, leaves its failure count unset)."""
    locked = bool(getattr(request, "axes_locked_out", False))
    return locked and getattr(request, "axes_failures_since_start", None) is None


def record_lockout(request: HttpRequest, username: str | None, ip_address: str | None) -> bool:
    """Keep a new lockout in the history that lengthens the next one. Returns False for a
    try refused during a lockout (axes signals those too; they are no new lockout)."""
    if refused_during_lockout(request):
        return False
    now = attempt_time(request)
    LoginLockout.objects.filter(locked_at__lt=now - HISTORY).delete()
    LoginLockout.objects.create(username=username or "", ip_address=ip_address, locked_at=now)
    forget_windows(request)
    return True
