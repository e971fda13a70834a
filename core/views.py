"""The site shell's own pages: logging in and out, where a user lands after, robots.txt.

Error pages need no view: Django's handlers render ``400.html``, ``403.html``, ``404.html``
and ``500.html`` from ``core/templates``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.areas import home_url_name

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
