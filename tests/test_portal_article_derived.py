"""An article's publish-time parts (reading time, contents, links, related articles) are
computed once per live revision and content generation, and never go stale."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal.models import ArticlePage
from portal.services.article_derived import article_derived, compute_article_derived
from portal.services.reading_time import count_words, reading_time_minutes
from portal.services.toc import table_of_contents
from tests.portal_fixtures import heading, make_article, make_topic, make_treatment, paragraph

pytestmark = pytest.mark.django_db

ARTICLE_QUERY_BUDGET = 8


def linked_paragraph(text: str, page) -> dict:
    return paragraph(f'{text} <a linktype="page" id="{page.pk}">{page.title}</a>')


@pytest.fixture
def article(site_tree, author, reviewer) -> ArticlePage:
    topic = make_topic("Pacing")
    treatment = make_treatment(site_tree.treatments, "Graded activity")
    neighbour = make_article(site_tree.articles, "A neighbouring read", topics=[topic])
    return make_article(
        site_tree.articles,
        "Living with a sore back",
        author=author,
        medical_reviewer=reviewer,
        topics=[topic],
        faqs=[("Will it last?", f'<p>Rarely: <a linktype="page" id="{neighbour.pk}">x</a>.</p>')],
        takeaways=[("Keep moving", "Gentle activity helps most people.")],
        body=[
            heading("Why it hurts"),
            linked_paragraph("Backs are strong.", neighbour),
            heading("What helps"),
            {"type": "treatment_link", "value": {"page": treatment.pk, "blurb": ""}},
            linked_paragraph("Ask about", treatment),
        ],
    )


def reader_request(page):
    request = RequestFactory().get(page.url)
    request.is_preview = False
    return request


def add_section_and_publish(page: ArticlePage, title: str, words: int) -> ArticlePage:
    draft = page.get_latest_revision_as_object()
    draft.body.append(("heading", {"text": title, "level": "h2", "anchor": ""}))
    draft.body.append(("paragraph", " ".join(["word"] * words)))
    draft.save_revision().publish()
    return ArticlePage.objects.get(pk=page.pk)


def test_an_anonymous_reader_gets_an_article_within_the_query_budget(
    client, article, django_assert_max_num_queries
):
    client.get(article.url)  # warm the per-process caches and this revision's entry
    with django_assert_max_num_queries(ARTICLE_QUERY_BUDGET):
        response = client.get(article.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Graded activity" in html and "A neighbouring read" in html
    assert 'href="#why-it-hurts"' in html and 'id="what-helps"' in html


def test_the_cached_values_are_the_ones_computed_afresh(article):
    request = reader_request(article)
    article_derived(article, request)  # fills the cache
    cached = article_derived(ArticlePage.objects.get(pk=article.pk), request)
    fresh = compute_article_derived(ArticlePage.objects.get(pk=article.pk), request)
    assert cached == fresh
    assert cached.word_count == count_words(article)
    assert cached.reading_minutes == reading_time_minutes(article)
    assert list(cached.toc) == table_of_contents(article.body)
    assert [topic.name for topic in cached.topics] == ["Pacing"]


def test_publishing_an_edit_changes_the_contents_and_reading_time(client, article):
    before = client.get(article.url).content.decode()
    assert "Bad days" not in before and "1 min read" in before
    edited = add_section_and_publish(article, "Bad days", words=600)
    after = client.get(edited.url).content.decode()
    assert 'href="#bad-days"' in after
    assert reading_time_minutes(edited) == 3
    assert "3 min read" in after


def test_a_preview_of_a_draft_shows_the_drafts_contents_not_the_cached_ones(
    client, admin_client, article
):
    client.get(article.url)  # the live revision's entry is cached
    draft = article.get_latest_revision_as_object()
    draft.body.append(("heading", {"text": "Only in the draft", "level": "h2", "anchor": ""}))
    draft.save_revision()
    preview = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[article.pk]))
    assert 'href="#only-in-the-draft"' in preview.content.decode()
    assert "Only in the draft" not in client.get(article.url).content.decode()


def test_related_articles_follow_other_articles_being_published_and_unpublished(client, site_tree):
    topic = make_topic("Sleep")
    main = make_article(site_tree.articles, "Sleeping with back pain", topics=[topic])
    other = make_article(site_tree.articles, "Pillows that help", topics=[topic], publish=False)
    assert "Pillows that help" not in client.get(main.url).content.decode()
    other.get_latest_revision().publish()
    assert "Pillows that help" in client.get(main.url).content.decode()
    ArticlePage.objects.get(pk=other.pk).unpublish()
    assert "Pillows that help" not in client.get(main.url).content.decode()


def test_renaming_a_linked_treatment_shows_its_new_title(client, site_tree, article):
    assert "Graded activity" in client.get(article.url).content.decode()
    treatment = site_tree.treatments.get_children().get(slug="graded-activity").specific
    treatment.title = "Graded activity programme"
    treatment.save_revision().publish()
    assert "Graded activity programme" in client.get(article.url).content.decode()
