"""The article page and the article index take a fixed number of queries, whatever the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from portal.models import ArticleRelatedArticle
from tests.portal_fixtures import heading, make_article, make_condition, make_topic, make_treatment

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 15


def count_queries(client, url: str) -> int:
    client.get(url)  # warm the per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_image(title: str):
    return get_image_model().objects.create(title=title, file=get_test_image_file(size=(64, 48)))


def build_article(site_tree, size: int, label: str, **people):
    topics = [make_topic(f"{label} topic {n}") for n in range(size)]
    conditions = [make_condition(f"{label} condition {n}") for n in range(size)]
    treatments = [
        make_treatment(site_tree.treatments, f"{label} treatment {n}") for n in range(size)
    ]
    article = make_article(
        site_tree.articles,
        f"{label} main",
        **people,
        topics=topics,
        conditions=conditions,
        faqs=[(f"Q{n}?", f"<p>A{n}.</p>") for n in range(size)],
        takeaways=[(f"Lead {n}", "Text.") for n in range(size)],
        body=[heading(f"Section {n}") for n in range(size)]
        + [{"type": "treatment_link", "value": {"page": t.pk, "blurb": ""}} for t in treatments],
    )
    for n in range(size):
        related = make_article(
            site_tree.articles,
            f"{label} related {n}",
            topics=topics[:2],
            image=make_image(f"{label} {n}"),
        )
        ArticleRelatedArticle.objects.create(page=article, article=related, sort_order=n)
    return article


def build_topic_only_article(site_tree, size: int, label: str):
    topics = [make_topic(f"{label} shared {n}") for n in range(size)]
    article = make_article(site_tree.articles, f"{label} by topic", topics=topics)
    for n in range(size):
        make_article(
            site_tree.articles, f"{label} sharer {n}", topics=topics, image=make_image(label)
        )
    return article


def test_article_page_query_count_does_not_grow(client, site_tree, author, reviewer):
    small = build_article(site_tree, 3, "small", author=author, medical_reviewer=reviewer)
    large = build_article(site_tree, 30, "large", author=author, medical_reviewer=reviewer)
    small_count, large_count = count_queries(client, small.url), count_queries(client, large.url)
    assert small_count == large_count
    assert large_count <= QUERY_BUDGET


def test_article_page_with_topic_fallback_has_a_fixed_query_count(client, site_tree):
    small = build_topic_only_article(site_tree, 3, "few")
    large = build_topic_only_article(site_tree, 30, "many")
    assert len(large.related_articles()) == 3
    small_count, large_count = count_queries(client, small.url), count_queries(client, large.url)
    assert small_count == large_count
    assert large_count <= QUERY_BUDGET


def test_article_index_query_count_does_not_grow(client, site_tree, author):
    topic = make_topic("Shared")
    for n in range(3):
        make_article(
            site_tree.articles,
            f"First batch {n}",
            topics=[topic],
            author=author,
            image=make_image("first"),
        )
    small_count = count_queries(client, "/articles/")
    small_topic_count = count_queries(client, "/articles/?topic=shared")
    for n in range(27):
        extra = make_topic(f"Extra {n}")
        make_article(
            site_tree.articles,
            f"Second batch {n}",
            topics=[topic, extra],
            author=author,
            image=make_image("second"),
        )
    large_count = count_queries(client, "/articles/")
    large_topic_count = count_queries(client, "/articles/?topic=shared")
    assert small_count == large_count <= QUERY_BUDGET
    assert small_topic_count == large_topic_count <= QUERY_BUDGET
