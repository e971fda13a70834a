"""The content seeder builds the whole demo site and is safe to run twice."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, Revision, Site

from portal.demo import seed_content
from portal.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    Person,
    Topic,
    TreatmentIndexPage,
    TreatmentPage,
)

pytestmark = pytest.mark.django_db

TREATMENT_SLUGS = {
    "epidural-steroid-injections",
    "radiofrequency-ablation",
    "prolotherapy",
    "stabilisation-physical-therapy",
}


def snapshot() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "people": Person.objects.count(),
        "topics": Topic.objects.count(),
        "users": get_user_model().objects.count(),
        "articles": ArticlePage.objects.count(),
    }


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    logins = seed_content(out)
    return logins, out.getvalue()


def test_seeder_builds_the_whole_demo_site(client, seeded):
    """One seed, many checks: seeding takes seconds, so the checks share it."""
    check_site_tree()
    check_imported_articles_and_logins(seeded)
    check_treatment_pages(client)
    check_site_pages_and_search(client)


def check_site_tree():
    site = Site.objects.get(is_default_site=True)
    home = HomePage.objects.get()
    assert site.root_page_id == home.pk
    assert not Page.objects.filter(depth=2).exclude(pk=home.pk).exists()  # welcome page gone
    assert ArticleIndexPage.objects.get().url == "/articles/"
    assert TreatmentIndexPage.objects.get().url == "/treatments/"
    assert set(TreatmentPage.objects.live().values_list("slug", flat=True)) == TREATMENT_SLUGS


def check_imported_articles_and_logins(seeded):
    logins, output = seeded
    assert [username for username, _ in logins] == ["editor", "reviewer"]
    assert ArticlePage.objects.live().count() >= 8
    assert "Articles:" in output
    users = get_user_model().objects
    assert users.get(username="editor").groups.filter(name="Editors").exists()
    assert users.get(username="reviewer").groups.filter(name="Medical reviewers").exists()
    # The importer found the seeded people instead of creating duplicates.
    assert Person.objects.filter(slug="hannah-lee").count() == 1
    assert ArticlePage.objects.filter(author__slug="hannah-lee").exists()


def test_seeder_runs_twice_without_duplicating(seeded):
    before = snapshot()
    revisions = Revision.objects.count()
    seed_content(io.StringIO())
    assert snapshot() == before
    assert Revision.objects.count() == revisions  # nothing re-published over editors


def check_treatment_pages(client):
    for slug in TREATMENT_SLUGS:
        response = client.get(f"/treatments/{slug}/")
        assert response.status_code == 200
        html = response.content.decode()
        for anchor in ("what-it-is", "who-it-helps", "what-to-expect", "risks", "recovery"):
            assert f'id="{anchor}"' in html
        scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        faq = json.loads(scripts[1])
        page = TreatmentPage.objects.get(slug=slug)
        assert len(faq["mainEntity"]) == page.faq_items.count() >= 3


def check_site_pages_and_search(client):
    for url in ("/", "/articles/", "/treatments/", "/articles/feed/", "/sitemap.xml"):
        assert client.get(url).status_code == 200, url
    for article in ArticlePage.objects.live():
        assert client.get(article.url).status_code == 200, article.url
    html = client.get("/search/", {"q": "prolotherapy"}).content.decode()
    assert 'href="/treatments/prolotherapy/"' in html
