"""Editors' side: previews, add forms and snippet listings work for every portal type."""

import re

import pytest
from django.urls import reverse

from portal.models import (
    ArticlePage,
    ArticleRelatedArticle,
    ContraindicationTag,
    HomePage,
    Person,
    TreatmentPage,
)
from tests.portal_fixtures import make_article, make_condition, make_topic, make_treatment

pytestmark = pytest.mark.django_db


def test_draft_previews_render_for_every_page_type(admin_client, site_tree):
    topic = make_topic("Pacing")
    article = make_article(site_tree.articles, "Main", topics=[topic])
    other = make_article(site_tree.articles, "Chosen neighbour", topics=[topic])
    ArticleRelatedArticle.objects.create(page=article, article=other)
    draft = article.get_latest_revision_as_object()
    draft.title = "Main, revised"
    draft.save_revision()
    treatment = make_treatment(site_tree.treatments, "Prolotherapy")

    response = admin_client.get(reverse("wagtailadmin_pages:view_draft", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Main, revised" in html and "Chosen neighbour" in html
    for page in (site_tree.home, site_tree.articles, site_tree.treatments, treatment):
        url = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
        assert admin_client.get(url).status_code == 200, page


def test_add_forms_show_the_readability_panel(admin_client, site_tree):
    for model, parent in (
        ("articlepage", site_tree.articles),
        ("treatmentpage", site_tree.treatments),
    ):
        url = reverse("wagtailadmin_pages:add", args=["portal", model, parent.pk])
        response = admin_client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "the grade follows your text as you type" in html
        report = reverse("portal_readability_add", args=["portal", model, parent.pk])
        assert f'data-url="{report}"' in html


def test_snippet_listings_show_people_and_taxonomies(admin_client):
    Person.objects.create(name="Jordan Morgan", slug="jordan-morgan", credentials="DPT")
    make_topic("Sleep")
    people = admin_client.get(reverse("wagtailsnippets_portal_person:list"))
    assert people.status_code == 200
    assert "Jordan Morgan" in people.content.decode() and "DPT" in people.content.decode()
    topics = admin_client.get(reverse("wagtailsnippets_portal_topic:list"))
    assert "Sleep" in topics.content.decode()
    for name in ("condition", "contraindicationtag"):
        assert admin_client.get(reverse(f"wagtailsnippets_portal_{name}:list")).status_code == 200


def test_page_type_rules_keep_the_tree_tidy(site_tree):
    assert ArticlePage.can_create_at(site_tree.articles)
    assert not ArticlePage.can_create_at(site_tree.treatments)
    assert not TreatmentPage.can_create_at(site_tree.articles)
    assert not HomePage.can_create_at(site_tree.home)


def test_article_and_treatment_editors_share_the_review_tab(admin_client, site_tree):
    make_topic("Pacing")
    make_condition("Hypermobility spectrum disorder")
    ContraindicationTag.objects.create(name="Deep stretching", slug="deep-stretching")
    article = make_article(site_tree.articles, "Main")
    treatment = make_treatment(site_tree.treatments, "Prolotherapy")
    expected = {
        article: ("Review and topics", ["topics", "conditions", "contraindications"]),
        treatment: ("Review and conditions", ["conditions", "contraindications"]),
    }
    for page, (tab, classification) in expected.items():
        html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content
        html = html.decode()
        for heading in ("Content", tab, "Promote", "Settings", "Authorship and medical review"):
            assert heading in html, (page, heading)
        for field in ["author", "medical_reviewer", "last_reviewed", *classification]:
            assert f'name="{field}"' in html, (page, field)
        assert ('name="topics"' in html) == ("topics" in classification)


def test_the_admin_loads_no_avatar_from_an_outside_service(admin_client, site_tree):
    """The sidebar's avatar is Wagtail's own image (WAGTAIL_GRAVATAR_PROVIDER_URL = None)."""
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_account")):
        html = admin_client.get(url).content.decode()
        assert "gravatar" not in html
        avatars = re.findall(r'"avatarUrl": "([^"]+)"', html)
        assert avatars and all(src.startswith("/static/") for src in avatars), avatars
