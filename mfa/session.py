"""What the session remembers about its user's second factor, so a page costs no query.

    facts = login_facts(request)         # LoginFacts(staff=..., has_device=...)
    refresh_facts(request)               # after enrolling or removing a device
    stamp_recent_authentication(request.session)
    recently_authenticated(request.session, max_age=300)

At each login (``note_login``, connected to ``user_logged_in``) the session notes whether the
user is staff and has a confirmed device; a session from before this app reads them once. A
role given during a session therefore counts from the next login. ``MFA_REQUIRED_FOR_STAFF``
is read on every request, so changing it needs no new login.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from accounts.staff import is_staff

from .devices import has_second_factor
from .policy import second_factor_required

FACTS_KEY = "_mfa_facts"
REAUTHENTICATED_AT_KEY = "_mfa_reauthenticated_at"


@dataclass(frozen=True)
class LoginFacts:
    staff: bool
    has_device: bool

    @property
    def must_enrol(self) -> bool:
        return not self.has_device and second_factor_required(self.staff)


def _read_facts(user) -> LoginFacts:
    return LoginFacts(staff=is_staff(user), has_device=has_second_factor(user))


def refresh_facts(request: HttpRequest) -> LoginFacts:
    facts = _read_facts(request.user)
    request.session[FACTS_KEY] = {"staff": facts.staff, "has_device": facts.has_device}
    return facts


def login_facts(request: HttpRequest) -> LoginFacts:
    stored = request.session.get(FACTS_KEY)
    if isinstance(stored, dict) and {"staff", "has_device"} <= stored.keys():
        return LoginFacts(staff=bool(stored["staff"]), has_device=bool(stored["has_device"]))
    return refresh_facts(request)


def note_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """``user_logged_in`` receiver: note the new login's facts in its session."""
    if request is None or not hasattr(request, "session"):
        return
    facts = _read_facts(user)
    request.session[FACTS_KEY] = {"staff": facts.staff, "has_device": facts.has_device}


def stamp_recent_authentication(session: SessionBase) -> None:
    """The user has just given their password (and code, if they have a device)."""
    session[REAUTHENTICATED_AT_KEY] = time.time()


def recently_authenticated(session: SessionBase, max_age: int) -> bool:
    stamped = session.get(REAUTHENTICATED_AT_KEY)
    if not isinstance(stamped, int | float):
        return False
    age = time.time() - stamped
    return 0 <= age <= max_age
