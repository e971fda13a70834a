"""Sending a user to a second-factor page: a redirect for a browser, JSON for a script.

    send_to(request, "mfa:verify", next_url="/care/", detail="...")

A request that asks for JSON (``Accept: application/json`` without ``text/html``) gets a 401
with ``{"detail": ..., "location": ...}`` instead of a redirect it could not follow.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def url_with_next(url_name: str, next_url: str | None) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def send_to(
    request: HttpRequest, url_name: str, *, next_url: str | None, detail: str
) -> HttpResponse:
    location = url_with_next(url_name, next_url)
    if wants_json(request):
        return JsonResponse({"detail": detail, "location": location}, status=401)
    return redirect(location)


def safe_next(request: HttpRequest) -> str:
    """The ``next`` this site may send the user to (same host, no scheme tricks), else
    where a login lands (``LOGIN_REDIRECT_URL``)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)
