"""The user's API tokens on their account page (/accounts/api-tokens/): the list, a new
token (after confirming it is them: password, and code where they use a second factor),
shown once, and revoking one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mfa.stepup import recent_authentication_required

from .forms import NewTokenForm
from .models import ApiToken
from .tokens import create_token, revoke_token, tokens_of

TEMPLATE = "api/tokens.html"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "login_required let in no one else"
    return user


def _page(request: HttpRequest, form: NewTokenForm, *, secret: str = "", status: int = 200):
    context = {"form": form, "tokens": tokens_of(_user(request)), "secret": secret}
    return render(request, TEMPLATE, context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@recent_authentication_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, NewTokenForm())
    form = NewTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        made = create_token(
            _user(request), name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
    except ValidationError as error:
        form.add_error("name", error)
        return _page(request, form, status=400)
    # Shown on this answer only: never stored, never in a message or a redirect.
    return _page(request, NewTokenForm(), secret=made.secret, status=201)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _user(request)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404("No such token.")
    if revoke_token(token, user):
        messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api-tokens")
