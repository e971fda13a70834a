"""/accounts/mfa/verify/: the code after the password, once per login (or per remembered
browser). A right code is audited; a wrong one refused with a 400 and audited, a throttled
one with a 429. A recovery code used is told to the user by email (``mfa.devices``)."""

from __future__ import annotations

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from ..devices import METHOD_RECOVERY, VerifyOutcome, recovery_codes_left, verify_code
from ..forms import VerifyForm
from ..remember import remember_browser
from ..responses import safe_next, url_with_next
from ..session import refresh_facts
from ..trail import record_passed, record_refusal

WRONG_CODE = "That code is not right, or it was already used. Wait for the next code and try again."


def refusal_message(outcome: VerifyOutcome) -> str:
    if outcome.throttled:
        seconds = outcome.retry_after
        unit = "second" if seconds == 1 else "seconds"
        return f"Too many wrong codes. Wait {seconds} {unit}, then try again."
    return WRONG_CODE


def refuse_code(request: HttpRequest, outcome: VerifyOutcome, *, step: str) -> int:
    """Audit a refused code; the status to answer with."""
    reason = "too many wrong codes" if outcome.throttled else "wrong code"
    record_refusal(request, reason, step=step, method=outcome.method)
    return 429 if outcome.throttled else 400


def _after_recovery_code(request: HttpRequest) -> None:
    left = recovery_codes_left(request.user)
    messages.warning(
        request,
        f"You used a recovery code; {left} left. Make new ones on your "
        f"second-factor page ({reverse('mfa:security')}) if you are running low.",
    )


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code", "recovery_code")
def verify(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    if user.is_verified():
        return redirect(next_url)
    facts = refresh_facts(request)
    if not facts.has_device:
        return redirect(url_with_next("mfa:setup", next_url) if facts.must_enrol else next_url)
    form = VerifyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            outcome = verify_code(user, form.cleaned_data["token"])
            if outcome.ok:
                django_otp.login(request, outcome.device)
                record_passed(request, step="verify", method=outcome.method)
                if outcome.method == METHOD_RECOVERY:
                    _after_recovery_code(request)
                response = redirect(next_url)
                if form.cleaned_data.get("remember"):
                    remember_browser(request, response, user)
                return response
            status = refuse_code(request, outcome, step="verify")
            form.add_error(None, refusal_message(outcome))
    return render(request, "mfa/verify.html", {"form": form, "next_url": next_url}, status=status)
