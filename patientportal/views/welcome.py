"""The one-time link in a patient's invitation: choose a password, then in."""

from __future__ import annotations

from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from ..services.access import accept_invitation, pending_invitation_for
from ..tokens import invitation_token_generator


def _user_from(uidb64: str):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return get_user_model().objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


@never_cache
@sensitive_post_parameters()
def welcome(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _user_from(uidb64)
    invitation = pending_invitation_for(user) if user is not None else None
    if invitation is None or not invitation_token_generator.check_token(user, token):
        return render(request, "patientportal/welcome_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_invitation(invitation, form.cleaned_data["new_password1"])
        login(request, invitation.user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("patientportal:plan")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "patientportal/welcome.html",
        {"form": form, "username": user.get_username(), "patient": invitation.patient},
        status=status,
    )
