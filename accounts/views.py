"""The accounts pages: the lockout answer, password reset and change, and the sessions page.

Logging in and out are Django's views (``core.views``); django-axes watches every
``authenticate`` and its middleware answers a locked login with ``locked_out`` below.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from . import lockout, sessions
from .forms import ResetRequestForm
from .tokens import reset_token_generator

LOCKED_OUT_STATUS = 429


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


password_reset = auth_views.PasswordResetView.as_view(
    form_class=ResetRequestForm, success_url=reverse_lazy("password_reset_done")
)
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


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/sessions.html",
        {
            "sessions": sessions.active_sessions(request),
            "idle_minutes": request.session.get_expiry_age() // 60,
            "max_hours": settings.ACCOUNTS_SESSION_MAX_HOURS,
        },
    )


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
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
def end_session(request: HttpRequest, session_id: int) -> HttpResponse:
    if not sessions.end_session(request, session_id):
        raise Http404("No such session.")
    messages.success(request, "That session has been logged out.")
    return redirect("sessions")
