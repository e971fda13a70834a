"""Step-up: ask for the password (and a code) again before a risky action.

    from mfa.stepup import recent_authentication_required

    @plan_view("GET", "POST")
    @recent_authentication_required
    def lead_hand_over(request, access): ...

    @plan_view("POST")
    @recent_authentication_required(
        form_url="careteam:plan-detail",
        when=lambda request, access: may_act_on_patient(request.user, ...),
    )
    def revoke(request, access): ...

Without a confirmation in the last ``max_age`` seconds (``settings.STEP_UP_MAX_AGE``, five
minutes by default) the request goes to ``/accounts/confirm/?next=...``. A POST is never
replayed: the user comes back to the page that shows the form (``form_url``, a URL name
reversed with the request's own URL arguments; by default the same URL), with a message that
nothing was done yet. Put the decorator under the view's access check, so a refusal (404)
comes first; ``when`` (called with the view's arguments) says whether the user may take the
action at all: if not, the view runs at once and refuses it (403) without asking for the
password. A request asking for JSON gets a 401 instead of a redirect.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .responses import send_to
from .session import recently_authenticated

CONFIRM_URL_NAME = "mfa:confirm"
NOTHING_DONE_YET = (
    "Nothing was changed yet. Confirm it is you, then choose the action again on this page."
)
CONFIRM_DETAIL = "Confirm your password (and code) to go on."

View = Callable[..., HttpResponse]


def step_up_max_age() -> int:
    return int(getattr(settings, "STEP_UP_MAX_AGE", 5 * 60))


def _form_page(request: HttpRequest, form_url: str | None) -> str:
    if form_url is None:
        return request.path
    match = request.resolver_match
    return reverse(form_url, kwargs=match.kwargs if match else {})


def ask_to_confirm(request: HttpRequest, form_url: str | None = None) -> HttpResponse:
    """Send the user to confirm who they are, and back to where the action's form is."""
    if request.method in ("GET", "HEAD") and form_url is None:
        next_url = request.get_full_path()
    else:
        next_url = _form_page(request, form_url)
        if request.method not in ("GET", "HEAD"):
            messages.warning(request, NOTHING_DONE_YET)
    return send_to(request, CONFIRM_URL_NAME, next_url=next_url, detail=CONFIRM_DETAIL)


def recent_authentication_required(
    view: View | None = None,
    *,
    max_age: int | None = None,
    form_url: str | None = None,
    when: Callable[..., bool] | None = None,
):
    """Decorate a view so it runs only within ``max_age`` seconds of a confirmation (for a
    user ``when`` allows the action, if given)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            limit = step_up_max_age() if max_age is None else max_age
            if recently_authenticated(request.session, limit):
                return view(request, *args, **kwargs)
            if when is not None and not when(request, *args, **kwargs):
                return view(request, *args, **kwargs)  # the view refuses it
            return ask_to_confirm(request, form_url)

        return wrapper

    return decorator(view) if view is not None else decorator
