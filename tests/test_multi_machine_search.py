"""Search on a search server when ``SEARCH_URL`` is set, Wagtail's database backend (PostgreSQL
full-text search) otherwise (config/settings/search.py).

No OpenSearch runs here, so the server is a small stand-in on loopback that records what it
is asked and answers "no hits": enough to show that the site's search goes to the address
``SEARCH_URL`` names, on the index ``SEARCH_INDEX_PREFIX`` names, with the credentials it
carries.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from opensearchpy import OpenSearch
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from config.settings.search import SERVER_BACKENDS
from tests.multi_machine_settings import built_settings


class SearchServer(BaseHTTPRequestHandler):
    """Answers every search with no hits, every count with 0; notes each request."""

    seen: list[tuple[str, str, str | None]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("Authorization")))
        if "/_count" in self.path:
            body = {"count": 0}
        elif "/_search" in self.path:
            body = {"took": 1, "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
        else:
            body = {}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_HEAD = _answer

    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def search_server() -> Iterator[tuple[str, list]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SearchServer)
    SearchServer.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", SearchServer.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.django_db
def test_without_search_url_search_is_wagtails_database_backend(monkeypatch, settings):
    production = built_settings(monkeypatch)
    assert production.WAGTAILSEARCH_BACKENDS == {
        "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": True}
    }
    settings.WAGTAILSEARCH_BACKENDS = production.WAGTAILSEARCH_BACKENDS
    backend = get_search_backend()
    assert type(backend).__module__.startswith("modelsearch.backends.database")


def test_search_url_builds_wagtails_opensearch_backend_on_that_host_and_prefix(
    monkeypatch, settings
):
    production = built_settings(
        monkeypatch,
        SEARCH_URL="https://portal:s3cret@search.internal:9200",
        SEARCH_INDEX_PREFIX="clinic_staging_",
    )
    config = production.WAGTAILSEARCH_BACKENDS["default"]
    assert config["BACKEND"] == "wagtail.search.backends.opensearch3"
    assert config["URLS"] == ["https://portal:s3cret@search.internal:9200"]
    settings.WAGTAILSEARCH_BACKENDS = production.WAGTAILSEARCH_BACKENDS
    backend = get_search_backend()
    assert isinstance(backend.es, OpenSearch)
    assert backend.hosts == [
        {
            "host": "search.internal",
            "port": 9200,
            "url_prefix": "",
            "use_ssl": True,
            "verify_certs": True,
            "http_auth": ("portal", "s3cret"),
        }
    ]
    assert backend.get_index_for_model(Page).name == "clinic_staging_wagtailcore_page"


@pytest.mark.django_db
def test_the_sites_search_asks_the_search_server_on_the_prefixed_index(
    monkeypatch, settings, client, search_server
):
    url, seen = search_server
    address = url.replace("http://", "http://portal:s3cret@")
    production = built_settings(monkeypatch, SEARCH_URL=address)
    settings.WAGTAILSEARCH_BACKENDS = production.WAGTAILSEARCH_BACKENDS
    response = client.get("/search/", {"q": "stretching"})
    assert response.status_code == 200
    searches = [
        (method, path) for method, path, _ in seen if "/_search" in path or "/_count" in path
    ]
    assert searches
    assert all(path.startswith("/clinic_portal_wagtailcore_page/") for _, path in searches)
    assert {authorization for _, _, authorization in seen} == {"Basic cG9ydGFsOnMzY3JldA=="}


def test_search_backend_names_each_backend_wagtail_ships(monkeypatch):
    for name, module in SERVER_BACKENDS.items():
        assert importlib.util.find_spec(module) is not None, name
        production = built_settings(
            monkeypatch, SEARCH_URL="https://search.internal:9200", SEARCH_BACKEND=name
        )
        assert production.WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] == module
    with pytest.raises(ImproperlyConfigured, match="SEARCH_BACKEND must be one of"):
        built_settings(
            monkeypatch, SEARCH_URL="https://search.internal:9200", SEARCH_BACKEND="solr"
        )
