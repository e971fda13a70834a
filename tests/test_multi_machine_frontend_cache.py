"""A caching proxy or CDN in front, purged on publish when ``FRONTEND_CACHE_PURGE_URL`` is set
(wagtail.contrib.frontend_cache's HTTP backend): the settings, and a publish reaching a
stand-in proxy on loopback as an HTTP PURGE of the page's path with the site's host."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from wagtail.contrib.frontend_cache.signal_handlers import page_published_signal_handler
from wagtail.signals import page_published

from portal.models import ArticlePage
from tests.multi_machine_settings import built_settings
from tests.portal_fixtures import make_article

HTTP_BACKEND = "wagtail.contrib.frontend_cache.backends.HTTPBackend"


class Proxy(BaseHTTPRequestHandler):
    purged: list[tuple[str, str]] = []

    def do_PURGE(self) -> None:
        self.purged.append((self.path, self.headers["Host"]))
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    Proxy.purged = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_without_the_variable_no_proxy_is_purged(monkeypatch):
    production = built_settings(monkeypatch)
    assert "wagtail.contrib.frontend_cache" not in production.INSTALLED_APPS
    assert not hasattr(production, "WAGTAILFRONTENDCACHE")


def test_each_purge_address_gets_wagtails_http_backend(monkeypatch):
    production = built_settings(
        monkeypatch, FRONTEND_CACHE_PURGE_URL="http://10.0.0.5:6081, http://10.0.0.6:6081"
    )
    assert "wagtail.contrib.frontend_cache" in production.INSTALLED_APPS
    assert production.WAGTAILFRONTENDCACHE == {
        "proxy-1": {"BACKEND": HTTP_BACKEND, "LOCATION": "http://10.0.0.5:6081"},
        "proxy-2": {"BACKEND": HTTP_BACKEND, "LOCATION": "http://10.0.0.6:6081"},
    }


@pytest.mark.django_db
def test_publishing_a_page_purges_it_from_the_proxy(monkeypatch, settings, proxy, site_tree):
    production = built_settings(monkeypatch, FRONTEND_CACHE_PURGE_URL=proxy)
    settings.WAGTAILFRONTENDCACHE = production.WAGTAILFRONTENDCACHE
    article = make_article(site_tree.articles, "Sleeping with back pain")
    # What the app's ready() connects when it is installed (production, with the variable).
    page_published.connect(page_published_signal_handler, sender=ArticlePage)
    try:
        article.save_revision().publish()
    finally:
        page_published.disconnect(page_published_signal_handler, sender=ArticlePage)
    assert (article.url, article.get_site().hostname) in Proxy.purged
