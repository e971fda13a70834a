"""What logins write to the audit trail, from Django's login signals (``accounts.signals``):
every login, every refused password and every logout, on any login form of the site (its own,
the Wagtail admin's, which is the same page, and Wagtail's private-page login at
/_util/login/) and at the step-up confirmation (``mfa``), which checks the password with
``authenticate()`` too.

- ``logged_in``: the user, the address and the page logged in from.
- ``login_failed``: the username tried (cut to the longest a username can be; the password
  never), and as actor the user that username names, if any. A try refused during a lockout
  is not written: the lockout itself is, once (``accounts.signals.locked_out``), so
  hammering a locked login cannot flood the trail.
- ``logged_out``: the user, whether they chose to or their session reached its lifetime.

Each costs one INSERT; a refused password one SELECT more, to find who the username names.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import HttpRequest

from audit.models import AuditAction
from audit.services import record_event

LOGGED_IN = "logged in"
LOGGED_OUT = "logged out"
REFUSED = "username or password not accepted"


def longest_username() -> int | None:
    user_model = get_user_model()
    return user_model._meta.get_field(user_model.USERNAME_FIELD).max_length


def tried_username(credentials: dict) -> str:
    """The username as typed, as text: NUL (which no database text column takes) replaced."""
    tried = credentials.get(get_user_model().USERNAME_FIELD)
    return "" if tried is None else str(tried).replace("\x00", "\N{REPLACEMENT CHARACTER}")


def named_user(username: str):
    """The user ``username`` names exactly (as the login looks it up), or None."""
    longest = longest_username()
    if not username or (longest is not None and len(username) > longest):
        return None  # no account has such a name: no query
    user_model = get_user_model()
    try:
        return user_model._default_manager.get_by_natural_key(username)
    except user_model.DoesNotExist:
        return None


def record_login(request: HttpRequest, user) -> None:
    record_event(user, AuditAction.LOGGED_IN, None, request=request, detail={"what": LOGGED_IN})


def record_login_failure(request: HttpRequest, credentials: dict) -> None:
    username = tried_username(credentials)
    record_event(
        named_user(username),
        AuditAction.LOGIN_FAILED,
        None,
        request=request,
        detail={"reason": REFUSED, "username_tried": username[: longest_username()]},
    )


def record_logout(request: HttpRequest, user) -> None:
    record_event(user, AuditAction.LOGGED_OUT, None, request=request, detail={"what": LOGGED_OUT})
