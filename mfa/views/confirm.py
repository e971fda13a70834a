"""/accounts/confirm/?next=...: the password again (and a code, if the user has a second
factor) before a risky action (``mfa.stepup``). On success the session is stamped and the
user goes back to ``next``, the page that shows the action's form.

The password is checked with ``authenticate()``, so the login's lockout (django-axes) counts
wrong passwords here too, and each is audited as a failed login (``accounts.login_trail``).
The code is checked only after the right password, so a wrong password never uses up a
recovery code. A wrong code is audited here, and so is the confirmation.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ..devices import has_second_factor, verify_code
from ..forms import ConfirmForm
from ..responses import safe_next
from ..session import stamp_recent_authentication
from ..stepup import step_up_max_age
from ..trail import record_passed
from .verify import refusal_message, refuse_code

WRONG_PASSWORD = "That password is not right."


def _password_is_right(request: HttpRequest, password: str) -> bool:
    user = request.user
    checked = authenticate(request, username=user.get_username(), password=password)
    return checked is not None and checked.pk == user.pk


def _minutes(seconds: int) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("password", "code", "recovery_code")
def confirm(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    form = ConfirmForm(
        request.POST if request.method == "POST" else None, needs_code=has_second_factor(user)
    )
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            method = "password"
            if not _password_is_right(request, form.cleaned_data["password"]):
                form.add_error("password", WRONG_PASSWORD)
            elif "token" in form.cleaned_data:
                outcome = verify_code(user, form.cleaned_data["token"])
                method = f"password and {outcome.method}"
                if not outcome.ok:
                    status = refuse_code(request, outcome, step="confirm")
                    form.add_error(None, refusal_message(outcome))
        if form.is_valid():  # no error was added above
            record_passed(request, step="confirm", method=method)
            stamp_recent_authentication(request.session)
            messages.success(
                request,
                "Thank you. You will not be asked again for the next "
                f"{_minutes(step_up_max_age())}.",
            )
            return redirect(next_url)
    return render(
        request,
        "mfa/confirm.html",
        {"form": form, "next_url": next_url, "minutes": _minutes(step_up_max_age())},
        status=status,
    )
