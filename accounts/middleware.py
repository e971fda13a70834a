"""``SessionLifetimeMiddleware``: the absolute session lifetime and the activity shown on the
sessions page (see ``accounts.sessions``). List it after ``MessageMiddleware``.

Requests without a session cookie are left alone (no session access, no query); with one,
it reads the session data Django loads and saves on such a request anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from . import sessions

SESSION_ENDED_MESSAGE = (
    "For your security you were logged out {hours} hours after logging in. Please log in again."
)


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and not sessions.check(request):
            messages.info(
                request,
                SESSION_ENDED_MESSAGE.format(hours=settings.ACCOUNTS_SESSION_MAX_HOURS),
                fail_silently=True,
            )
        return self.get_response(request)
