"""Safeguards every request and response passes through, each kept in one place.

- ``RejectNulBytesMiddleware``: a NUL character anywhere in the path, the query string, a
  cookie or the submitted form fields answers 400 before any view passes it on to the database
  (PostgreSQL refuses NUL in text, which would otherwise be a 500). An app whose paths answer
  errors in a format of their own registers how (``register_bad_request``: the JSON API
  answers RFC 9457 problem details).
- ``PrivateNoStoreMiddleware``: responses under ``settings.PRIVATE_PATH_PREFIXES`` (the
  provider UI, the patient's pages, the login pages) are never stored by a browser or proxy.
- ``ContentSecurityPolicyMiddleware``: django-csp's middleware, with the Wagtail admin's own
  policy (``settings.CONTENT_SECURITY_POLICY_ADMIN``) under its path and the page's policy,
  framable by the admin, for Wagtail's previews.
- ``CrossOriginResourcePolicyMiddleware``: ``Cross-Origin-Resource-Policy`` on every response
  (``settings.CROSS_ORIGIN_RESOURCE_POLICY``), static files included.

The policies themselves are in ``config/settings/security_headers.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from csp.constants import SELF
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.response import HttpResponseBase

NUL = "\x00"
NUL_REFUSAL_MESSAGE = "The request contained a character this site does not accept."
PRIVATE_CACHE_CONTROL = "no-store, private"

GetResponse = Callable[[HttpRequest], HttpResponse]
BadRequest = Callable[[HttpRequest, str], HttpResponse]

# By path prefix: how an app answers a request refused here (plain text elsewhere).
_BAD_REQUEST_ANSWERS: dict[str, BadRequest] = {}


def register_bad_request(prefix: str, answer: BadRequest) -> None:
    """Answer requests under ``prefix`` that these safeguards refuse with ``answer(request,
    message)``: for an app whose clients read its errors in a format of its own. Call it
    from the app's ``AppConfig.ready()``."""
    _BAD_REQUEST_ANSWERS[prefix] = answer


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 with ``message``, in the format the path's app registered, else plain text."""
    for prefix, answer in _BAD_REQUEST_ANSWERS.items():
        if request.path.startswith(prefix):
            return answer(request, message)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


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
            return bad_request(request, NUL_REFUSAL_MESSAGE)
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


def is_admin_path(path: str) -> bool:
    return path.startswith(tuple(settings.CONTENT_SECURITY_POLICY_ADMIN["PATH_PREFIXES"]))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's ``CSPMiddleware`` choosing the policy by request, through its documented
    hook ``get_policy_parts``. A view's own ``@csp``/``@csp_replace``/``@csp_update``
    decorator is applied as usual; otherwise:

    - under the admin's path prefixes, the admin's policy, whatever the view;
    - a Wagtail preview (the admin runs a dummy request for the page through every
      middleware, so the page is rendered with its own policy and nonce) may be framed by
      the admin's preview pane: ``frame-ancestors 'self'`` instead of ``'none'``.
    """

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if is_admin_path(request.path_info):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        elif getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        return parts


class CrossOriginResourcePolicyMiddleware:
    """``Cross-Origin-Resource-Policy`` on every response that has none of its own. Listed
    above WhiteNoise so static files carry it too."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy", settings.CROSS_ORIGIN_RESOURCE_POLICY
        )
        return response
