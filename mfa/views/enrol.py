"""/accounts/mfa/setup/: scan the QR code (or type the secret), enter the app's code, save
the ten recovery codes shown once. Setting up a new phone while one is set up asks for the
password first (step-up) and replaces the old one on success."""

from __future__ import annotations

from base64 import b32encode

import django_otp
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction

from ..devices import confirm_enrolment, has_second_factor, pending_device
from ..forms import EnrolForm
from ..policy import must_enrol
from ..qr import qr_svg
from ..remember import forget_browsers
from ..responses import safe_next, url_with_next
from ..session import recently_authenticated, refresh_facts
from ..stepup import ask_to_confirm, step_up_max_age
from ..trail import record_change, record_refusal

WRONG_ENROL_CODE = (
    "That code does not match. Check the app shows this site's entry, wait for the next "
    "code and try again."
)


def spaced_secret(device) -> str:
    """The secret in base32, in groups of four, as apps ask for it when typed."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def render_recovery_codes(
    request: HttpRequest, codes: list[str], *, next_url: str, first_time: bool
) -> HttpResponse:
    return render(
        request,
        "mfa/recovery_codes.html",
        {"codes": codes, "next_url": next_url, "first_time": first_time},
    )


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("code")
def setup(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request)
    user = request.user
    replacing = has_second_factor(user)
    if replacing:
        if not user.is_verified():
            return redirect(url_with_next("mfa:verify", next_url))
        if not recently_authenticated(request.session, step_up_max_age()):
            return ask_to_confirm(request)
    device = pending_device(user)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        enrolment = confirm_enrolment(device, form.cleaned_data["code"])
        if enrolment is not None:
            django_otp.login(request, enrolment.device)
            refresh_facts(request)
            forget_browsers(user)  # remembered for the old device, if any
            record_change(
                request,
                AuditAction.CREATED,
                enrolment.device,
                "second factor replaced" if replacing else "second factor set up",
            )
            return render_recovery_codes(
                request, enrolment.recovery_codes, next_url=next_url, first_time=True
            )
        record_refusal(request, "wrong code", step="setup", method="authenticator app")
        form.add_error("code", WRONG_ENROL_CODE)
    context = {
        "form": form,
        "next_url": next_url,
        "qr_svg": qr_svg(device.config_url),
        "secret": spaced_secret(device),
        "required": must_enrol(user),
        "replacing": replacing,
    }
    return render(request, "mfa/setup.html", context, status=400 if form.is_bound else 200)
