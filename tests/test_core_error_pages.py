"""Error pages: the site's look and a way forward, with the right status; every one of them
even when nothing else works (no database, no request, no context processors)."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.template.loader import get_template, render_to_string
from django.test import Client, RequestFactory
from django.urls import get_resolver, path
from django.utils.module_loading import import_string
from django.views.defaults import server_error

from config.urls import urlpatterns as site_urlpatterns
from tests.page_checks import assert_accessible_page

EMERGENCY_LINE = "call 999 or go to your nearest emergency department now"


def forbidden(request):
    raise PermissionDenied("no entry")


def bad(request):
    raise SuspiciousOperation("odd request")


def broken(request):
    raise RuntimeError("the view fell over")


# This module is the URLconf of the tests below: the site's own routes (base.html names some
# of them) behind three views that fail on purpose.
urlpatterns = [
    path("test-errors/403/", forbidden),
    path("test-errors/400/", bad),
    path("test-errors/500/", broken),
    *site_urlpatterns,
]
handler500 = "core.views.server_error"  # the same handler as config/urls.py


@pytest.fixture(autouse=True)
def error_urls_without_debug(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


def assert_one_valid_page(html: str, heading: str) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert '<html lang="en-GB"' in html
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", html), heading
    assert html.count("<main") == 1 and html.rstrip().endswith("</html>")
    assert EMERGENCY_LINE in html


def assert_site_chrome(html: str) -> None:
    assert 'class="skip-link" href="#main"' in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'href="/static/core/css/site.css"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status", "heading", "shown", "hidden"),
    [
        pytest.param("/no-such-page/", 404, "Page not found", 'action="/search/"', None, id="404"),
        # A refusal and a suspicious request: the page never repeats the reason given.
        pytest.param("/test-errors/403/", 403, "Not allowed", None, "no entry", id="403"),
        pytest.param(
            "/test-errors/400/", 400, "Request not understood", None, "odd request", id="400"
        ),
    ],
)
def test_an_error_is_a_page_in_the_sites_look_with_its_status_and_heading(
    client, path, status, heading, shown, hidden
):
    response = client.get(path)
    assert response.status_code == status
    html = response.content.decode()
    assert_one_valid_page(html, heading)
    assert_site_chrome(html)
    assert shown is None or shown in html
    assert hidden is None or hidden not in html


@pytest.mark.django_db
def test_a_crashing_view_is_a_500_page_with_the_emergency_advice():
    response = Client(raise_request_exception=False).get("/test-errors/500/")
    assert response.status_code == 500
    html = response.content.decode()
    assert_one_valid_page(html, "Something went wrong on our side")
    assert "Call 999 or go to your nearest emergency department now." in html
    assert "the view fell over" not in html


def test_the_500_page_renders_without_a_database_or_a_request():
    """No django_db mark: pytest-django makes any database access in this test an error."""
    html = get_template("500.html").render({})
    response = server_error(RequestFactory().get("/"))  # what Django's handler500 runs
    assert response.status_code == 500
    assert response.content.decode() == html
    assert_one_valid_page(html, "Something went wrong on our side")
    assert "<style>" in html and "stylesheet" not in html  # no static files needed either


# --- Every error page without the database ------------------------------------------------


def visitor_with_a_session() -> HttpRequest:
    """A request as the middleware leave it for someone with a session cookie: the session,
    the user and the messages are lazy, and reading any of them would query the database."""
    factory = RequestFactory()
    factory.cookies[settings.SESSION_COOKIE_NAME] = "a" * 32
    request = factory.get("/somewhere/")
    for middleware in (SessionMiddleware, AuthenticationMiddleware, MessageMiddleware):
        middleware(lambda request: HttpResponse()).process_request(request)
    return request


def site_handler(status: int):
    return get_resolver("config.urls").resolve_error_handler(status)


def raised_and_handled(error: Exception):
    """What Django does with an exception no layer handled: call handler500 while handling it."""

    def answer(request: HttpRequest) -> HttpResponse:
        try:
            raise error
        except type(error):
            return site_handler(500)(request)

    return answer


def refused_form(request: HttpRequest) -> HttpResponse:
    return import_string(settings.CSRF_FAILURE_VIEW)(request, reason=REASON_NO_CSRF_COOKIE)


ERROR_PAGES = [
    pytest.param(
        lambda request: site_handler(400)(request, SuspiciousOperation("odd")),
        400,
        "Request not understood",
        id="400",
    ),
    pytest.param(
        lambda request: site_handler(403)(request, PermissionDenied("no")),
        403,
        "Not allowed",
        id="403",
    ),
    pytest.param(refused_form, 403, "Your form could not be sent", id="403 refused form"),
    pytest.param(
        lambda request: site_handler(404)(request, Http404("gone")), 404, "Page not found", id="404"
    ),
    pytest.param(
        raised_and_handled(RuntimeError("the view fell over")),
        500,
        "Something went wrong on our side",
        id="500",
    ),
    pytest.param(
        raised_and_handled(OperationalError("connection refused")),
        503,
        "This page is unavailable for a moment",
        id="503",
    ),
]


@pytest.mark.parametrize(("render", "status", "heading"), ERROR_PAGES)
def test_every_error_page_renders_for_a_logged_in_visitor_without_touching_the_database(
    render, status, heading
):
    """No django_db mark: pytest-django makes any database access in this test an error, so
    no query (not one) and no template tag that needs the user or the session."""
    response = render(visitor_with_a_session())
    assert response.status_code == status
    html = response.content.decode()
    assert_one_valid_page(html, heading)
    assert_accessible_page(html)
    if status != 500:  # the 500 page stands alone, its one style allowed by hash
        assert_site_chrome(html)
        assert "<style" not in html and "<script" not in html and " style=" not in html


def test_the_sites_ordinary_shell_would_touch_the_database_for_that_visitor():
    """Why the error pages leave out base.html's user bar, user links and messages: drawn for
    the same visitor, they ask the database who it is."""
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        render_to_string("base.html", request=visitor_with_a_session())


@pytest.mark.django_db
def test_a_form_refused_by_the_csrf_check_is_the_sites_403_page():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert_one_valid_page(html, "Your form could not be sent")
    assert_site_chrome(html)
    assert "Please go back, reload the page and send the form again." in html
