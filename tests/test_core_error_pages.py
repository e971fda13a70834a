"""Error pages: the site's look and a way forward, with the right status; the 500 page even
when nothing else works (no database, no request, no context processors)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import path
from django.views.defaults import server_error

from config.urls import urlpatterns as site_urlpatterns

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
def test_an_unknown_address_is_a_404_page_in_the_sites_look(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert_one_valid_page(html, "Page not found")
    assert_site_chrome(html)
    assert 'action="/search/"' in html


@pytest.mark.django_db
def test_a_refusal_is_a_403_page_that_does_not_repeat_the_reason(client):
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_one_valid_page(html, "Not allowed")
    assert_site_chrome(html)
    assert "no entry" not in html


@pytest.mark.django_db
def test_a_suspicious_request_is_a_400_page_in_the_sites_look(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    html = response.content.decode()
    assert_one_valid_page(html, "Request not understood")
    assert_site_chrome(html)
    assert "odd request" not in html


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
