"""The accounts pages: "Your account", the lockout answer, password reset and change, and the
sessions page.

Logging in and out are Django's views (``core.views``); django-axes watches every
``authenticate`` and its middleware answers a locked login with ``locked_out`` below.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditAction
from audit.services import record_event

from . import lockout, sessions
from .account_page import account_pages
from .forms import ConfirmPasswordForm, ResetRequestForm
from .reset_limits import allow_reset_request
from .tokens import reset_token_generator

LOCKED_OUT_STATUS = 429
WRONG_CONFIRMATIONS_KEY = "accounts_wrong_confirmations"
TOO_MANY_WRONG_PASSWORDS = (
    "You were logged out: the password was wrong too many times. Log in again to go on."
)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the same page whether or not the username exists."""
    until = lockout.locked_until(request, credentials) or timezone.now() + lockout.cool_off(request)
    seconds = max(60, math.ceil((until - timezone.now()).total_seconds()))
    response = render(
        request,
        "accounts/locked_out.html",
        {
            "retry_at": until,
            "retry_minutes": math.ceil(seconds / 60),
            "admin_contact": settings.ACCOUNTS_ADMIN_CONTACT,
            "longest_minutes": int(lockout.longest_window().total_seconds() // 60),
        },
        status=LOCKED_OUT_STATUS,
    )
    response["Retry-After"] = str(seconds)
    return response


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """Where every logged-in user finds the pages for their own login."""
    return render(request, "accounts/account.html", {"pages": account_pages()})


class ResetRequestView(auth_views.PasswordResetView):
    """Django's, within the request limits (``accounts.reset_limits``): over one nothing is
    sent, and the answer is the same redirect as for any other request."""

    form_class = ResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        if allow_reset_request(self.request, form.cleaned_data["email"]):
            return super().form_valid(form)
        return HttpResponseRedirect(self.get_success_url())


password_reset = ResetRequestView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    extra_context={"valid_minutes": settings.ACCOUNTS_PASSWORD_RESET_TIMEOUT // 60}
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()


class ResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's: the token leaves the URL for the session at once; a used, expired or
    wrong link answers the same. A switched-off login is never given a password back."""

    token_generator = reset_token_generator
    success_url = reverse_lazy("password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.password_reset(self.request, form.user)
        lockout.unlock_username(form.user.get_username())
        return response


class ChangeView(auth_views.PasswordChangeView):
    """Django's (this session stays signed in); every other session ends."""

    success_url = reverse_lazy("password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions.password_changed(self.request)
        return response


password_reset_confirm = ResetConfirmView.as_view()
password_change = ChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()


def _sessions_page(
    request: HttpRequest, form: ConfirmPasswordForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": sessions.active_sessions(request),
            "form": form,
            "idle_minutes": request.session.get_expiry_age() // 60,
            "max_hours": settings.ACCOUNTS_SESSION_MAX_HOURS,
        },
        status=status,
    )


def _refuse(request: HttpRequest, form: ConfirmPasswordForm, detail: dict) -> HttpResponse:
    """A missing or wrong password: nothing ends, the refusal is audited as 'denied', and the
    page comes back (400) with the error beside the field. After
    ``ACCOUNTS_CONFIRM_FAILURE_LIMIT`` wrong passwords in one session, that session ends
    too: whoever holds a stolen session cannot go on guessing the password here."""
    missing = form.has_error("password", "required")
    wrong = 0 if missing else request.session.get(WRONG_CONFIRMATIONS_KEY, 0) + 1
    ends_session = wrong >= settings.ACCOUNTS_CONFIRM_FAILURE_LIMIT
    reason = "no password entered" if missing else "wrong password"
    record_event(
        request.user,
        AuditAction.DENIED,
        None,
        request=request,
        detail={"reason": reason, **detail, **({"session_ended": True} if ends_session else {})},
    )
    if ends_session:
        logout(request)
        messages.error(request, TOO_MANY_WRONG_PASSWORDS)
        return redirect("login")
    if wrong:
        request.session[WRONG_CONFIRMATIONS_KEY] = wrong
    return _sessions_page(request, form, status=400)


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    return _sessions_page(request, ConfirmPasswordForm(request.user))


@login_required
@require_POST
@sensitive_post_parameters("password")
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    """Every other session ends, once the user has entered their password again."""
    form = ConfirmPasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _refuse(request, form, {"action": "end other sessions"})
    ended = sessions.end_other_sessions(request)
    if ended:
        messages.success(
            request, f"Logged out everywhere else ({ended} session{'s' if ended != 1 else ''})."
        )
    else:
        messages.info(request, "You were not logged in anywhere else.")
    return redirect("sessions")


@login_required
@require_POST
@sensitive_post_parameters("password")
def end_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """One other session ends, once the user has entered their password again. The password
    is checked first, so nothing about the id is looked up for a refused request; a session
    that is not one of the user's others (this one, or anyone else's) is 404."""
    form = ConfirmPasswordForm(request.user, request.POST)
    if not form.is_valid():
        return _refuse(request, form, {"action": "end one session", "session": session_id})
    if not sessions.end_session(request, session_id):
        raise Http404("No such session.")
    messages.success(request, "That session has been logged out.")
    return redirect("sessions")
