"""The one-time link in a patient's invitation: choose a password, then in.

Like Django's ``PasswordResetConfirmView``, the link's token never stays in a URL: the first
visit puts it in the session and redirects to ``/my/welcome/<uidb64>/set-password/``, which
checks the token from the session. So the token is not recorded in the audit trail's path,
the browser's history or a ``Referer`` header, and is dropped once the password is set.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model, login
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from audit.models import AuditAction
from audit.services import record_event

from ..services.logins import accept_invitation, pending_invitation_for
from ..tokens import invitation_token_generator

# Stands in for the token in the URL once the token is in the session. A real token
# (``<timestamp>-<hash>``) can never equal it.
SET_PASSWORD_URL_TOKEN = "set-password"
SESSION_TOKEN_KEY = "_patientportal_invitation_token"


def _user_from(uidb64: str) -> AbstractBaseUser | None:
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return get_user_model().objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def set_password_url(uidb64: str) -> str:
    return reverse(
        "patientportal:welcome", kwargs={"uidb64": uidb64, "token": SET_PASSWORD_URL_TOKEN}
    )


# What the audit trail records for a link, whose path holds a user id and a token.
TOKENLESS_AUDIT_PATH = "/my/welcome/"


def _invalid(request: HttpRequest) -> HttpResponse:
    """A link that is wrong, used, replaced or revoked; guessing at links leaves a trace."""
    record_event(
        request.user,
        AuditAction.DENIED,
        None,
        request=request,
        detail={"reason": "invalid or used invitation link"},
        path=TOKENLESS_AUDIT_PATH,
    )
    return render(request, "patientportal/welcome_invalid.html", status=400)


@never_cache
@sensitive_post_parameters()
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_from(uidb64)
    invitation = pending_invitation_for(user) if user is not None else None
    if invitation is None:
        return _invalid(request)
    if token != SET_PASSWORD_URL_TOKEN:
        # The emailed link: keep its token in the session, out of every later URL.
        if not invitation_token_generator.check_token(user, token):
            return _invalid(request)
        request.session[SESSION_TOKEN_KEY] = token
        return redirect(set_password_url(uidb64))
    if not invitation_token_generator.check_token(user, request.session.get(SESSION_TOKEN_KEY)):
        return _invalid(request)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_invitation(invitation, form.cleaned_data["new_password1"])
        del request.session[SESSION_TOKEN_KEY]  # before login, which keeps the session's data
        login(request, invitation.user, backend="accounts.backends.AccountBackend")
        return redirect("patientportal:home")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "username": user.get_username(),
        "patient": invitation.patient,
        "form_action": set_password_url(uidb64),
    }
    return render(request, "patientportal/welcome.html", context, status=status)
