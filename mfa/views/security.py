"""/accounts/mfa/: the user's second factor: whether it is set up, recovery codes left,
remembered browsers; new recovery codes and turning it off ask for the password first
(step-up). Staff who must keep a second factor may replace it but not turn it off."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction

from ..devices import (
    confirmed_app,
    has_second_factor,
    recovery_codes_left,
    remove_second_factor,
    replace_recovery_codes,
)
from ..policy import must_enrol
from ..remember import forget_browsers, remember_days, remembered_count
from ..session import refresh_facts
from ..stepup import recent_authentication_required
from ..trail import record_change, record_refusal
from .enrol import render_recovery_codes

STAFF_KEEP_IT = "Clinic staff must keep a second factor. You can set up a new phone instead."


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = confirmed_app(user)
    context = {
        "device": device,
        "required": must_enrol(user),
        "codes_left": recovery_codes_left(user) if device else 0,
        "remembered": remembered_count(user),
        "remember_days": remember_days(),
    }
    return render(request, "mfa/security.html", context)


@login_required
@require_POST
@recent_authentication_required(form_url="mfa:security")
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_second_factor(user):
        messages.error(request, "Set up an authenticator app first.")
        return redirect("mfa:security")
    codes = replace_recovery_codes(user)
    record_change(request, AuditAction.CHANGED, confirmed_app(user), "new recovery codes")
    return render_recovery_codes(request, codes, next_url="", first_time=False)


@login_required
@require_POST
def forget_remembered_browsers(request: HttpRequest) -> HttpResponse:
    response = redirect("mfa:security")
    count = forget_browsers(request.user, response=response)
    record_change(request, AuditAction.DELETED, None, f"{count} remembered browsers forgotten")
    messages.success(
        request, "Every browser is forgotten: each will ask for a code at the next login."
    )
    return response


@login_required
@require_POST
@recent_authentication_required(form_url="mfa:security")
def turn_off(request: HttpRequest) -> HttpResponse:
    user = request.user
    if must_enrol(user):
        record_refusal(request, "staff must keep a second factor", step="turn off")
        messages.error(request, STAFF_KEEP_IT)
        return redirect("mfa:security")
    response = redirect("mfa:security")
    remove_second_factor(user)
    forget_browsers(user, response=response)
    refresh_facts(request)
    record_change(request, AuditAction.DELETED, None, "second factor turned off")
    messages.success(request, "Your second factor is off. You log in with your password only.")
    return response
