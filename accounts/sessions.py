"""Signed-in sessions: how long they last, and the list a user sees and ends.

How to use: ``start(request, user)`` runs on every login (``accounts.signals``);
``SessionLifetimeMiddleware`` calls ``check(request)`` on each request carrying a session
cookie; the sessions page uses ``active_sessions`` and ``end_other_sessions``; a password
change ``password_changed`` and a reset ``password_reset`` (which also email the user,
``accounts.notices``).

- Idle timeout: staff sessions (``accounts.staff``) end after ``ACCOUNTS_STAFF_IDLE_MINUTES``
  without a request, others after ``ACCOUNTS_IDLE_MINUTES`` (``set_expiry`` at login, so
  the kind of login is decided once). The timeout slides whenever the session is saved,
  which ``check`` makes happen at most once a ``SEEN_RESOLUTION`` (a minute) by noting the
  last activity: a request within that minute writes no session.
- Absolute lifetime: ``ACCOUNTS_SESSION_MAX_HOURS`` after login the session ends, however
  busy.
- Cost: what the middleware needs lives in the session's own data (login time, last seen
  time and address), which Django loads on such a request anyway; it writes a
  ``UserSession`` row only when the session key changed (a login elsewhere than
  ``start``, or ``update_session_auth_hash`` after a password change).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model, logout
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from ua_parser import parse as parse_user_agent

from audit.models import AuditAction
from audit.services import client_ip, record_event

from .models import UserSession
from .notices import Notice, notify
from .staff import is_staff

LOGIN_AT = "_accounts_login_at"
SEEN_AT = "_accounts_seen_at"
SEEN_IP = "_accounts_seen_ip"
TRACKED_KEY = "_accounts_tracked_key"
# Last activity is written at most this often (seconds).
SEEN_RESOLUTION = 60


def _now() -> int:
    return int(timezone.now().timestamp())


def _moment(stamp: int | None) -> datetime.datetime | None:
    return None if stamp is None else datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def idle_seconds(user) -> int:
    minutes = (
        settings.ACCOUNTS_STAFF_IDLE_MINUTES if is_staff(user) else settings.ACCOUNTS_IDLE_MINUTES
    )
    return minutes * 60


def max_age_seconds() -> int:
    return settings.ACCOUNTS_SESSION_MAX_HOURS * 3600


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:500]


def _track(request: HttpRequest, user_id, created_at: datetime.datetime) -> None:
    session = request.session
    if session.session_key is None:
        session.save()  # after a flush: the row must exist before a UserSession points at it
    UserSession.objects.update_or_create(
        session_id=session.session_key,
        defaults={
            "user_id": user_id,
            "created_at": created_at,
            "ip_address": client_ip(request),
            "user_agent": _user_agent(request),
        },
    )
    session[TRACKED_KEY] = session.session_key


def start(request: HttpRequest, user) -> None:
    """At login: stamp the session, set its idle timeout, list it for the user."""
    session = request.session
    now = _now()
    session[LOGIN_AT] = session[SEEN_AT] = now
    session[SEEN_IP] = client_ip(request)
    session.set_expiry(idle_seconds(user))
    _track(request, user.pk, _moment(now))


def check(request: HttpRequest) -> bool:
    """Enforce the absolute lifetime and note activity. False if the session just ended."""
    session = request.session
    if SESSION_KEY not in session:
        return True
    now = _now()
    login_at = session.setdefault(LOGIN_AT, now)  # a session from before this app
    if now - login_at >= max_age_seconds():
        logout(request)
        return False
    if session.get(TRACKED_KEY) != session.session_key:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        if get_user_model().objects.filter(pk=user_id).exists():  # not deleted meanwhile
            _track(request, user_id, _moment(login_at))
    if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
        session[SEEN_IP] = client_ip(request)
    return True


@dataclass(frozen=True)
class ActiveSession:
    id: int
    device: str
    ip_address: str | None
    signed_in: datetime.datetime
    last_active: datetime.datetime
    current: bool


def describe_device(user_agent: str) -> str:
    """The browser in words: "Firefox on Windows", "Mobile Safari on iOS (iPhone)"..."""
    parsed = parse_user_agent(user_agent) if user_agent else None
    if parsed is None or parsed.user_agent is None:
        return "Unknown browser"
    text = parsed.user_agent.family
    if parsed.os is not None and parsed.os.family != "Other":
        text = f"{text} on {parsed.os.family}"
    if parsed.device is not None and parsed.device.family not in ("Other", "Mac"):
        text = f"{text} ({parsed.device.family})"
    return text


def _is_alive(user, data: dict) -> bool:
    """Still this user's, password unchanged since login, within its lifetime."""
    return (
        str(data.get(SESSION_KEY)) == str(user.pk)
        and constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash())
        and _now() - data.get(LOGIN_AT, _now()) < max_age_seconds()
    )


def active_sessions(request: HttpRequest) -> list[ActiveSession]:
    """The signed-in user's live sessions, this one first, then the most recently used."""
    user, current_key = request.user, request.session.session_key
    rows = UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now())
    listed = []
    for row in rows.select_related("session"):
        current = row.session_id == current_key
        data = dict(request.session.items()) if current else row.session.get_decoded()
        if not current and not _is_alive(user, data):
            continue
        listed.append(
            ActiveSession(
                id=row.pk,
                device=describe_device(row.user_agent),
                ip_address=data.get(SEEN_IP) or row.ip_address,
                signed_in=row.created_at,
                last_active=timezone.now()
                if current
                else _moment(data.get(SEEN_AT)) or row.created_at,
                current=current,
            )
        )
    return sorted(listed, key=lambda item: (not item.current, -item.last_active.timestamp()))


def _end(session_keys: list[str]) -> int:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in session_keys:
        store(session_key=key).delete()  # its UserSession row goes with it
    return len(session_keys)


def _audit_ended(request: HttpRequest, user, ended: int, reason: str) -> None:
    record_event(
        user,
        AuditAction.REVOKED,
        None,
        request=request,
        detail={"access": "signed-in sessions ended", "reason": reason, "sessions": ended},
    )


def end_other_sessions(request: HttpRequest, reason: str = "ended by the user") -> int:
    """End every session of the signed-in user but this one (audited); how many ended."""
    others = UserSession.objects.filter(user=request.user).exclude(
        session_id=request.session.session_key
    )
    ended = _end(list(others.values_list("session_id", flat=True)))
    _audit_ended(request, request.user, ended, reason)
    return ended


def end_session(request: HttpRequest, session_id: int) -> bool:
    """End one other session of the signed-in user (audited); False if they have none with
    that id (this one included: logging out ends it)."""
    row = (
        UserSession.objects.filter(user=request.user, pk=session_id)
        .exclude(session_id=request.session.session_key)
        .first()
    )
    if row is None:
        return False
    _audit_ended(request, request.user, _end([row.session_id]), "ended by the user")
    return True


def password_changed(request: HttpRequest) -> None:
    """After the signed-in user changed their password: audited, the user told by email, and
    the other sessions end (Django's session hash check would end them at their next request;
    this also removes them)."""
    notify(request.user, Notice.PASSWORD_CHANGED)
    record_event(
        request.user,
        AuditAction.CHANGED,
        None,
        request=request,
        detail={"access": "password changed"},
    )
    end_other_sessions(request, reason="password changed")


def password_reset(request: HttpRequest, user) -> None:
    """After a password reset through an emailed link: audited, the user told by email, and
    every session of the user ends."""
    notify(user, Notice.PASSWORD_RESET)
    record_event(
        user,
        AuditAction.CHANGED,
        None,
        request=request,
        detail={"access": "password reset by email link"},
    )
    keys = list(UserSession.objects.filter(user=user).values_list("session_id", flat=True))
    _audit_ended(request, user, _end(keys), "password reset")
