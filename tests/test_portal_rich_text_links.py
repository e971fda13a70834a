"""Page links in rich text cost one query per page render, with Wagtail's own URLs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.rich_text import expand_db_html

from portal import rich_text_links
from portal.rich_text_links import page_link_cache, prime_page_links
from tests.portal_fixtures import make_article, make_treatment, paragraph

pytestmark = pytest.mark.django_db


def link(page_id: int, label: str) -> str:
    return f'Read <a linktype="page" id="{page_id}">{label}</a> next.'


def linked_targets(site_tree, size: int, label: str) -> list:
    """Live pages of both kinds, a different one for every link."""
    return [
        make_treatment(site_tree.treatments, f"{label} treatment {n}")
        if n % 2
        else make_article(site_tree.articles, f"{label} article {n}")
        for n in range(size)
    ]


def article_linking_to(site_tree, targets: list, label: str, **fields):
    return make_article(
        site_tree.articles,
        f"{label} main",
        body=[paragraph(link(page.pk, f"{label} link {n}")) for n, page in enumerate(targets)],
        faqs=[
            (f"Q{n}?", f"<p>{link(page.pk, f'{label} faq {n}')}</p>")
            for n, page in enumerate(targets)
        ],
        **fields,
    )


def render(client, page) -> tuple[str, int]:
    client.get(page.url)  # warm the per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_query_count_does_not_grow_with_linked_paragraphs(client, site_tree):
    few = article_linking_to(site_tree, linked_targets(site_tree, 3, "few"), "few")
    many = article_linking_to(site_tree, linked_targets(site_tree, 12, "many"), "many")

    _, few_queries = render(client, few)
    _, many_queries = render(client, many)

    assert many_queries == few_queries


def test_treatment_sections_share_the_one_lookup(client, site_tree):
    def treatment(size: int, label: str):
        targets = linked_targets(site_tree, size, label)
        links = [paragraph(link(page.pk, f"{label} {n}")) for n, page in enumerate(targets)]
        return make_treatment(
            site_tree.treatments, f"{label} linked", what_it_is=links[::2], risks=links[1::2]
        )

    assert render(client, treatment(2, "t-few"))[1] == render(client, treatment(8, "t-many"))[1]


def test_links_render_as_wagtail_expands_them(client, site_tree):
    targets = linked_targets(site_tree, 4, "same")
    article = article_linking_to(site_tree, targets, "same")

    html, _ = render(client, article)

    for n, page in enumerate(targets):
        expected = expand_db_html(link(page.pk, f"same link {n}"))
        assert f'<a href="{page.url}">' in expected
        assert expected in html
        assert expand_db_html(link(page.pk, f"same faq {n}")) in html


def test_draft_and_deleted_targets_render_as_wagtail_renders_them(client, site_tree):
    draft = make_article(site_tree.articles, "Unpublished plan", publish=False)
    gone = make_article(site_tree.articles, "Removed article")
    gone_id = gone.pk
    gone.delete()
    article = make_article(
        site_tree.articles,
        "Links to drafts",
        body=[paragraph(link(draft.pk, "draft link")), paragraph(link(gone_id, "gone link"))],
    )

    html, _ = render(client, article)

    expected_draft = expand_db_html(link(draft.pk, "draft link"))
    expected_gone = expand_db_html(link(gone_id, "gone link"))
    assert expected_draft in html
    assert expected_gone in html
    assert "<a>gone link</a>" in expected_gone


def test_cache_is_gone_after_the_request(client, site_tree, django_assert_num_queries):
    [target] = linked_targets(site_tree, 1, "leak")
    article = article_linking_to(site_tree, [target], "leak")

    render(client, article)

    assert rich_text_links._linked_pages.get() is None
    with django_assert_num_queries(2):  # Wagtail's own lookup: base page, then specific
        expand_db_html(link(target.pk, "after"))


def test_cache_is_cleared_when_rendering_fails(site_tree):
    [target] = linked_targets(site_tree, 1, "boom")
    article = article_linking_to(site_tree, [target], "boom")

    with pytest.raises(RuntimeError), page_link_cache():
        prime_page_links(article)
        assert str(target.pk) in rich_text_links._linked_pages.get()
        raise RuntimeError("template error")

    assert rich_text_links._linked_pages.get() is None


def test_priming_outside_a_render_changes_nothing(site_tree, django_assert_num_queries):
    [target] = linked_targets(site_tree, 1, "outside")
    article = article_linking_to(site_tree, [target], "outside")

    with django_assert_num_queries(0):
        prime_page_links(article)
    assert rich_text_links._linked_pages.get() is None
