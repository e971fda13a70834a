"""Safeguards every request and response passes through, each kept in one place.

- ``RejectNulBytesMiddleware``: a NUL character anywhere in the path, the query string, a
  cookie or the submitted form fields answers 400 before any view passes it on to the database
  (PostgreSQL refuses NUL in text, which would otherwise be a 500).
- ``PrivateNoStoreMiddleware``: responses under ``settings.PRIVATE_PATH_PREFIXES`` (the
  provider UI, the patient's pages, the login pages) are never stored by a browser or proxy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict

NUL = "\x00"
NUL_REFUSAL_MESSAGE = "The request contained a character this site does not accept."
PRIVATE_CACHE_CONTROL = "no-store, private"

GetResponse = Callable[[HttpRequest], HttpResponse]


def _any_nul(texts: Iterable[str]) -> bool:
    return any(NUL in text for text in texts)


def _query_has_nul(query: QueryDict) -> bool:
    return any(NUL in key or _any_nul(values) for key, values in query.lists())


def _form_has_nul(request: HttpRequest) -> bool:
    """Form fields (urlencoded or multipart) and the field names of uploads; file contents
    are left alone (Django already drops NUL from uploaded file names). An unreadable body
    is left for the view to fail on, as Django's CSRF check does."""
    if request.method != "POST":
        return False  # Django parses form bodies only for POST.
    try:
        return _query_has_nul(request.POST) or any(NUL in key for key in request.FILES)
    except OSError:
        return False


def request_has_nul(request: HttpRequest) -> bool:
    """Whether the path, a query-string key or value, a cookie (the session key reaches
    the database) or a form field key or value contains a NUL character."""
    return (
        NUL in request.path
        or _query_has_nul(request.GET)
        or _any_nul(f"{name}{value}" for name, value in request.COOKIES.items())
        or _form_has_nul(request)
    )


class RejectNulBytesMiddleware:
    """400 for any request carrying a NUL character (see ``request_has_nul``)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return HttpResponseBadRequest(
                NUL_REFUSAL_MESSAGE, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)


def is_private_path(path: str) -> bool:
    return path.startswith(tuple(settings.PRIVATE_PATH_PREFIXES))


def forbid_storing(response: HttpResponse) -> HttpResponse:
    """Replace any caching the view allowed (``public``, ``max-age``…) with no-store."""
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response under a private prefix,
    whatever its status. Listed before the middleware that can answer early, so their
    responses (400, redirects to log in, 403, 404) get it too."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private_path(request.path_info):
            forbid_storing(response)
        return response
