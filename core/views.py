"""The site shell's own pages: logging in and out, where a user lands after, robots.txt.

Error pages need no view of their own: Django's handlers render ``400.html``, ``403.html``
(and ``403_csrf.html``), ``404.html`` and ``500.html`` from ``core/templates``, none of which
needs the request or the database (``errors/base.html``). ``server_error`` (``handler500`` in
``config/urls.py``) answers an exception that is the database out of reach with the 503 page
(``core.outage``), and any other with Django's own 500 handler plus the hash of 500.html's
inline style in the page's Content-Security-Policy: that page is rendered without the
request, so no nonce.
"""

from __future__ import annotations

import sys

from csp.decorators import csp_update
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.views import defaults
from django.views.decorators.http import require_GET

from core.areas import home_url_name
from core.outage import database_unavailable, is_database_outage

# Django's own login and logout; the login page is core's registration/login.html.
login = auth_views.LoginView.as_view()
logout = auth_views.LogoutView.as_view()


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Crawlers stay out of the CMS and every private prefix; the sitemap lists the rest."""
    private = dict.fromkeys([reverse("wagtailadmin_home"), *settings.PRIVATE_PATH_PREFIXES])
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in private)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Send each kind of user to the place they came for: their first area's home, else "/"."""
    return redirect(home_url_name(request.user) or "/")


# The sha256 of the text of 500.html's <style> element; tests/test_core_headers.py
# recomputes it, so a change to that style fails until this is updated.
ERROR_PAGE_STYLE_HASH = "'sha256-j3xtNhI+f/wCr7qWz/tlMPT4fwYKEddsOZ+E4ptxhZ0='"


# Django's 500 page (500.html, no request context), with its inline style allowed.
_server_error_page = csp_update({"style-src": [ERROR_PAGE_STYLE_HASH]})(defaults.server_error)


def server_error(request: HttpRequest) -> HttpResponseBase:
    """The 503 page while the database is out of reach, else the 500 page. Django calls this
    while it handles the exception, so ``sys.exc_info()`` is that exception."""
    if is_database_outage(sys.exc_info()[1]):
        return database_unavailable()
    return _server_error_page(request)
