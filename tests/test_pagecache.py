"""Anonymous readers get whole public pages from the cache; every publish, unpublish, move
and delete makes them stale at once; signed-in readers, previews, drafts and private pages
never touch it; browsers and proxies get what they need to share the load (pagecache/).

The app is wired here through settings (its middleware after the NUL check, before
sessions), its purge receivers connected and its Wagtail hook imported, as
``PageCacheConfig.ready`` and Wagtail do once the app is installed.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date
from wagtail import hooks
from wagtail.models import PageViewRestriction

import pagecache.wagtail_hooks  # noqa: F401  (the before_serve_page hook, as Wagtail loads it)
from pagecache import conf, signals
from portal.models import ArticleRelatedArticle
from tests.portal_fixtures import make_article, make_treatment
from tests.test_core_db_outage import default_connection_to

pytestmark = pytest.mark.django_db

CACHE_STATUS = "X-Page-Cache"


@pytest.fixture
def page_cache(settings):
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("core.middleware.RejectNulBytesMiddleware") + 1,
        "pagecache.middleware.PageCacheMiddleware",
    )
    settings.MIDDLEWARE = middleware
    settings.PAGECACHE_ENABLED = True
    settings.PAGECACHE_MAX_AGE = 45
    settings.PAGECACHE_STALE_IF_ERROR = 3600
    signals.connect()
    conf.cache().clear()
    yield
    conf.cache().clear()


@pytest.fixture
def pages(site_tree, page_cache):
    """An article, and a second article listing it among its related articles."""
    article = make_article(site_tree.articles, "Pacing a flare")
    linking = make_article(site_tree.articles, "Walking plans", publish=False)
    linking.related_article_links = [ArticleRelatedArticle(article=article)]
    linking.save_revision().publish()
    linking.refresh_from_db()
    return article, linking


def visit(client: Client, url: str, **headers):
    response = client.get(url, headers=headers)
    return response, response.headers.get(CACHE_STATUS)


def test_a_second_anonymous_visit_is_served_from_the_cache_without_a_query(site_tree, pages):
    article, _ = pages
    client = Client()
    for url in (article.url, site_tree.articles.url, "/", "/articles/feed/", "/sitemap.xml"):
        first, first_status = visit(client, url)
        with CaptureQueriesContext(connection) as queries:
            second, second_status = visit(client, url)
        assert (first.status_code, first_status) == (200, "miss"), url
        assert (second.status_code, second_status, len(queries)) == (200, "hit", 0), url
        assert second.content == first.content
        assert second["Content-Type"] == first["Content-Type"]


def test_a_cached_page_keeps_its_security_headers_without_a_nonce(pages):
    article, _ = pages
    Client().get(article.url)
    hit, status = visit(Client(), article.url)
    assert status == "hit"
    assert "default-src 'self'" in hit["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]
    assert hit["X-Frame-Options"] == "DENY"
    assert hit["Permissions-Policy"]


def test_a_page_that_uses_a_csp_nonce_is_rendered_afresh_with_a_new_nonce(pages):
    article, _ = pages

    def use_nonce(page, request, serve_args, serve_kwargs):
        str(request.csp_nonce)

    with hooks.register_temporarily("before_serve_page", use_nonce):
        first, first_status = visit(Client(), article.url)
        second, second_status = visit(Client(), article.url)
    assert first_status is None and second_status is None
    assert "nonce-" in first["Content-Security-Policy"]
    assert first["Content-Security-Policy"] != second["Content-Security-Policy"]


def test_publishing_a_change_shows_at_once_on_the_page_its_listings_and_the_linking_page(
    site_tree, pages
):
    article, linking = pages
    urls = (article.url, linking.url, site_tree.articles.url, "/articles/feed/")
    client = Client()
    for url in urls:
        client.get(url)
    article.title = "Pacing a flare, step by step"
    article.save_revision().publish()
    for url in urls:
        response, status = visit(client, url)
        assert status == "miss", url
        assert "Pacing a flare, step by step" in response.content.decode(), url


def test_unpublishing_removes_the_page_from_its_listings_the_sitemap_and_linking_pages(
    site_tree, pages
):
    article, linking = pages
    client = Client()
    for url in (article.url, linking.url, site_tree.articles.url, "/sitemap.xml"):
        assert article.title in client.get(url).content.decode() or url == "/sitemap.xml"
    assert article.url in client.get("/sitemap.xml").content.decode()
    article.unpublish()
    assert client.get(article.url).status_code == 404
    for url in (linking.url, site_tree.articles.url, "/articles/feed/"):
        assert article.title not in client.get(url).content.decode(), url
    assert article.url not in client.get("/sitemap.xml").content.decode()


def test_deleting_a_page_removes_it_at_once(site_tree, pages):
    article, linking = pages
    client = Client()
    for url in (article.url, linking.url, site_tree.articles.url):
        client.get(url)
    url = article.url
    article.delete()
    assert client.get(url).status_code == 404
    assert "Pacing a flare" not in client.get(site_tree.articles.url).content.decode()
    assert "Pacing a flare" not in client.get(linking.url).content.decode()


def test_moving_a_page_makes_every_cached_page_stale(site_tree, page_cache):
    first = make_treatment(site_tree.treatments, "Aquatic therapy")
    second = make_treatment(site_tree.treatments, "Bracing")
    client = Client()
    client.get(site_tree.treatments.url)
    assert visit(client, site_tree.treatments.url)[1] == "hit"
    second.move(first, pos="left")
    assert visit(client, site_tree.treatments.url)[1] == "miss"


def test_changing_a_snippet_the_pages_show_makes_them_stale(pages):
    article, _ = pages
    client = Client()
    client.get(article.url)
    topic = article.topics.model.objects.create(name="Sleep", slug="sleep")
    assert visit(client, article.url)[1] == "miss"
    topic.delete()
    assert visit(client, article.url)[1] == "miss"


def test_a_signed_in_reader_is_never_served_from_the_cache_nor_fills_it(pages, django_user_model):
    article, _ = pages
    Client().get(article.url)
    reader = Client()
    reader.force_login(django_user_model.objects.create_user("reader", password="x" * 12))
    for _ in range(2):
        response, status = visit(reader, article.url)
        assert status is None
        assert "Log out" in response.content.decode()
        assert "public" not in response.get("Cache-Control", "")
    anonymous, status = visit(Client(), article.url)
    assert status == "hit"
    assert "Log out" not in anonymous.content.decode()


def test_a_session_or_messages_cookie_or_an_authorization_header_bypasses_the_cache(pages):
    article, _ = pages
    Client().get(article.url)
    with_session = Client()
    with_session.cookies["sessionid"] = "not-a-real-session"
    with_messages = Client()
    with_messages.cookies["messages"] = "pending"
    assert visit(with_session, article.url)[1] is None
    assert visit(with_messages, article.url)[1] is None
    assert visit(Client(), article.url, Authorization="Bearer x")[1] is None


def test_a_preview_of_a_draft_is_never_cached_nor_served_from_the_cache(pages):
    article, _ = pages
    Client().get(article.url)
    article.title = "A draft title"
    article.save_revision()
    preview = article.get_latest_revision_as_object().make_preview_request()
    assert CACHE_STATUS not in preview.headers
    assert "A draft title" in preview.content.decode()
    published, status = visit(Client(), article.url)
    assert status == "hit"
    assert "A draft title" not in published.content.decode()


def test_a_draft_is_not_cached_and_shows_as_soon_as_it_is_published(site_tree, page_cache):
    draft = make_article(site_tree.articles, "Not yet ready", publish=False)
    client = Client()
    assert client.get(draft.url).status_code == 404
    assert "Not yet ready" not in client.get(site_tree.articles.url).content.decode()
    draft.save_revision().publish()
    assert visit(client, draft.url)[0].status_code == 200
    assert "Not yet ready" in client.get(site_tree.articles.url).content.decode()


def test_a_page_made_private_is_never_cached_and_leaves_the_cache_at_once(pages):
    article, _ = pages
    client = Client()
    client.get(article.url)
    PageViewRestriction.objects.create(page=article, restriction_type="login")
    response, status = visit(client, article.url)
    assert response.status_code == 302 and status is None
    assert visit(client, article.url)[1] is None


def test_a_password_protected_page_is_never_cached(pages):
    article, _ = pages
    PageViewRestriction.objects.create(page=article, restriction_type="password", password="pw")
    client = Client()
    for _ in range(2):
        response, status = visit(client, article.url)
        assert response.status_code == 200 and status is None
        assert "no-store" in response["Cache-Control"]


def test_cacheable_pages_tell_browsers_and_proxies_how_long_to_keep_them(pages):
    article, _ = pages
    response, _ = visit(Client(), article.url)
    assert response["Cache-Control"] == "public, max-age=45, stale-if-error=3600"
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert "Cookie" in response["Vary"]
    assert response["Last-Modified"] >= http_date(article.last_published_at.timestamp())


def test_a_reader_whose_copy_is_current_gets_304_until_the_page_changes(pages):
    article, _ = pages
    client = Client()
    first = client.get(article.url)
    by_etag = client.get(article.url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(article.url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_etag.status_code == 304 and by_date.status_code == 304
    assert by_etag["ETag"] == first["ETag"] and not by_etag.content
    article.title = "Pacing a flare, revised"
    article.save_revision().publish()
    changed = client.get(article.url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=pacing",
        "/articles/?utm_source=newsletter",
        "/articles/?page=1&page=2",
        "/robots.txt",
        "/healthz",
    ],
)
def test_searches_unknown_query_strings_and_other_views_are_not_cached(pages, url):
    client = Client()
    client.get(url)
    assert visit(client, url)[1] is None


def test_listing_filters_and_the_plain_search_page_are_cached_each_on_its_own(pages):
    client = Client()
    for url in ("/articles/?topic=sleep", "/articles/?page=1", "/search/"):
        assert visit(client, url)[1] == "miss", url
        assert visit(client, url)[1] == "hit", url


@pytest.fixture
def outage(tmp_path):
    """``with outage():`` the database is out of reach (as in test_core_db_outage)."""
    unreachable = {
        "postgresql": {"HOST": "127.0.0.1", "PORT": "1"},
        "sqlite": {"NAME": str(tmp_path / "no-such-folder" / "db.sqlite3")},
    }[connection.vendor]
    return lambda: default_connection_to(**unreachable)


def test_while_the_database_is_out_of_reach_readers_get_the_last_copy(site_tree, pages, outage):
    article, linking = pages
    reader = Client(raise_request_exception=False)
    reader.get(article.url)
    reader.get(linking.url)
    make_article(site_tree.articles, "Another article")  # every copy is now stale
    linking.unpublish()
    with outage():
        stale, status = visit(reader, article.url)
        withdrawn = reader.get(linking.url)
        never_cached = reader.get(site_tree.treatments.url)
    assert (stale.status_code, status) == (200, "stale")
    assert "Pacing a flare" in stale.content.decode()
    assert stale["Cache-Control"].startswith("public, max-age=0,")
    assert withdrawn.status_code == 503
    assert never_cached.status_code == 503
    assert visit(reader, article.url)[1] == "miss"
