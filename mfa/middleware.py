"""Until a login has passed its second factor, it reaches only the second-factor pages.

Put ``mfa.middleware.SecondFactorMiddleware`` after django-otp's ``OTPMiddleware`` (which
makes ``request.user.is_verified()``) and the messages middleware. For a logged-in user on any
path but the exempt ones (``EXEMPT_URL_NAMES``, static files):

- verified in this session: through (django-otp reads the device: one query);
- has a confirmed device: through if this browser is remembered (``mfa.remember``), which
  marks the session verified (audited, once per login); else sent to
  ``/accounts/mfa/verify/?next=...``;
- no device but must have one (``mfa.policy``): sent to ``/accounts/mfa/setup/``;
- otherwise (a patient who chose not to): through, and no query (``mfa.session``), except
  under /care/, /cms/ and /privacy/audit/, where a login not taken for staff is looked at
  again.

That covers the provider UI (/care/), the patient pages (/my/) and the Wagtail admin (/cms/)
alike. A request asking for JSON gets a 401 with where to go instead of a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import django_otp
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from .devices import confirmed_app
from .remember import recognised
from .responses import send_to
from .session import login_facts, refresh_facts
from .trail import record_passed

EXEMPT_URL_NAMES = ("mfa:verify", "mfa:setup", "login", "logout")
# Staff areas: a user the session took for non-staff is looked at again there, so a role
# given during a session (a patient login made an editor or a privacy officer) is not a way
# around the code.
STAFF_AREA_URL_NAMES = ("careteam:dashboard", "wagtailadmin_home", "privacy:audit")
VERIFY_DETAIL = "Enter the code from your authenticator app to go on."
ENROL_DETAIL = "Set up a second factor to go on."


@cache
def _paths(names: tuple[str, ...]) -> tuple[str, ...]:
    paths = []
    for name in names:
        try:
            paths.append(reverse(name))
        except NoReverseMatch:
            continue
    return tuple(paths)


def is_exempt(path: str) -> bool:
    prefixes = tuple(p for p in (settings.STATIC_URL, "/favicon.ico") if p)
    return path in _paths(EXEMPT_URL_NAMES) or path.startswith(prefixes)


def in_staff_area(path: str) -> bool:
    return path.startswith(_paths(STAFF_AREA_URL_NAMES))


def _next_for(request: HttpRequest) -> str | None:
    """Where to come back to: the page asked for, when it can be asked for again by GET."""
    return request.get_full_path() if request.method in ("GET", "HEAD") else None


def mark_verified_if_remembered(request: HttpRequest, user) -> bool:
    if not recognised(request, user):
        return False
    device = confirmed_app(user)
    if device is None:
        return False
    django_otp.login(request, device)
    record_passed(request, step="verify", method="remembered browser")
    return True


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.stop(request) or self.get_response(request)

    def stop(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or is_exempt(request.path_info):
            return None
        if user.is_verified():
            return None
        facts = login_facts(request)
        if not facts.staff and in_staff_area(request.path_info):
            facts = refresh_facts(request)
        if facts.has_device:
            if mark_verified_if_remembered(request, user):
                return None
            if confirmed_app(user) is None:  # removed since login (e.g. by an administrator)
                facts = refresh_facts(request)
            else:
                return send_to(
                    request, "mfa:verify", next_url=_next_for(request), detail=VERIFY_DETAIL
                )
        if facts.must_enrol:
            return send_to(request, "mfa:setup", next_url=_next_for(request), detail=ENROL_DETAIL)
        return None
