"""Search, sitemap and feed list live public pages only; drafts and private pages never leak."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

from portal.models import ArticleIndexPage, ArticleRelatedArticle
from tests.portal_fixtures import make_article, make_topic, make_treatment, paragraph

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def pages(site_tree):
    published = make_article(
        site_tree.articles,
        "Published piece",
        summary="Core stability for loose joints.",
        body=[paragraph("Gentle stretching is not the answer; steady strength is.")],
    )
    draft = make_article(
        site_tree.articles,
        "Draft piece",
        summary="Core stability draft.",
        body=[paragraph("Unpublished stretching advice.")],
        publish=False,
    )
    private = make_article(
        site_tree.articles,
        "Private piece",
        summary="Core stability for staff only.",
        body=[paragraph("Internal stretching notes.")],
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    treatment = make_treatment(
        site_tree.treatments,
        "Prolotherapy",
        summary="Injections that aim to strengthen ligaments and improve stability.",
    )
    return {"published": published, "draft": draft, "private": private, "treatment": treatment}


def test_search_finds_live_public_articles_and_treatments_with_summary(client, pages):
    html = client.get("/search/", {"q": "stability"}).content.decode()
    assert "Published piece" in html and "Core stability for loose joints." in html
    assert "Prolotherapy" in html
    assert "Draft piece" not in html
    assert "Private piece" not in html


def test_search_without_query_shows_the_form(client, pages):
    response = client.get("/search/")
    assert response.status_code == 200
    assert 'name="q"' in response.content.decode()
    assert "result" not in response.content.decode().lower().split("<main", 1)[1].split("<form")[0]


def test_search_with_no_match_says_so(client, pages):
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "No results for “zebra”" in html


@pytest.mark.parametrize("query", ['"', "'stability", "(", "a & b", "stab*", "-", "%_"])
def test_search_survives_punctuation_and_operators(client, pages, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


def test_search_ignores_quotes_around_words(client, pages):
    html = client.get("/search/", {"q": '"stability"'}).content.decode()
    assert "Published piece" in html


def test_search_rejects_overlong_query_with_400(client, pages):
    response = client.get("/search/", {"q": "x" * 500})
    assert response.status_code == 400
    assert "at most 200 characters" in response.content.decode()


def test_search_paginates(client, site_tree):
    for n in range(12):
        make_article(site_tree.articles, f"Pacing guide {n}", summary="About pacing.")
    first = client.get("/search/", {"q": "pacing"}).content.decode()
    assert "12 results" in first and "Page 1 of 2" in first
    assert 'href="?q=pacing&amp;page=2"' in first
    second = client.get("/search/", {"q": "pacing", "page": 2}).content.decode()
    assert second.count('class="search-result"') == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stemming needs PostgreSQL FTS")
def test_search_matches_stemmed_words_on_postgresql(client, pages):
    html = client.get("/search/", {"q": "stretches"}).content.decode()
    assert "Published piece" in html  # body says "stretching"
    assert "Draft piece" not in html and "Private piece" not in html


def test_sitemap_lists_live_public_pages_with_lastmod(client, pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = {
        url.findtext("sm:loc", namespaces=SITEMAP_NS): url.findtext(
            "sm:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("sm:url", SITEMAP_NS)
    }
    assert "http://localhost/articles/published-piece/" in entries
    assert "http://localhost/treatments/prolotherapy/" in entries
    assert entries["http://localhost/articles/published-piece/"]
    assert not any("draft-piece" in loc or "private-piece" in loc for loc in entries)


def test_feed_lists_live_public_articles_only(client, pages):
    response = client.get("/articles/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Published piece"]
    item = channel.find("item")
    assert item.findtext("link") == "http://testserver/articles/published-piece/"
    assert item.findtext("description") == "Core stability for loose joints."


def test_index_lists_neither_drafts_nor_private_articles(client, pages):
    html = client.get("/articles/").content.decode()
    assert "Published piece" in html
    assert "Draft piece" not in html and "Private piece" not in html


def test_index_topic_filter_counts_only_visible_articles(client, site_tree, pages):
    shared, hidden = make_topic("Shared topic"), make_topic("Secret topic")
    pages["published"].topics.add(shared)
    pages["published"].save()
    for key in ("draft", "private"):
        pages[key].topics.add(shared, hidden)
        pages[key].save()  # a cluster's relations reach the database on save
    index = ArticleIndexPage.objects.get(pk=site_tree.articles.pk)
    topics = {topic.slug: topic.article_count for topic in index.topics_in_use()}
    assert topics == {"shared-topic": 1}
    assert "Secret topic" not in client.get("/articles/").content.decode()


def test_draft_and_private_pages_are_not_served_to_anonymous_visitors(client, pages):
    assert client.get("/articles/published-piece/").status_code == 200
    assert client.get("/articles/draft-piece/").status_code == 404
    assert client.get("/articles/no-such-article/").status_code == 404
    assert client.get("/articles/published-piece/extra/").status_code == 404
    private = client.get("/articles/private-piece/")
    assert private.status_code == 302 and "/accounts/login/" in private["Location"]


def test_related_articles_and_home_skip_drafts_and_private_pages(client, site_tree, pages):
    main = pages["published"]
    for other in (pages["draft"], pages["private"]):
        ArticleRelatedArticle.objects.create(page=main, article=other)
    assert main.related_articles() == []
    html = client.get("/").content.decode()
    assert "Draft piece" not in html and "Private piece" not in html
