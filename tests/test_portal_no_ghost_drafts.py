"""No ghost drafts: opening an article in the Wagtail editor and leaving it changes nothing.

The tour found "LIVE + DRAFT" on imported articles nobody had edited. Wagtail's editor saves in
the background (autosave) when the form looks changed, and its rich text editors rewrite their
inputs just after they start; the imported HTML, without the editor's block keys, then came
back different from what was stored. Now imported rich text is stored as the editor stores
it, and a background save of an unchanged form stores nothing (portal.page_editing).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.admin.rich_text import get_rich_text_editor_widget
from wagtail.models import Revision

from portal.blocks import RICH_TEXT_FEATURES
from portal.demo import seed_content
from portal.importing import import_markdown_files
from portal.models import ArticlePage, HomePage, TreatmentPage
from tests.portal_editor_forms import untouched_edit_form

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parent.parent / "portal" / "demo_content" / "articles"
FLAGSHIP = DEMO / "hypermobile-lower-back-pain.md"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def demo(db) -> None:
    """The demo site as ``seed_demo`` builds it: treatments, imported articles, home."""
    seed_content(io.StringIO())


@pytest.fixture
def flagship(demo) -> ArticlePage:
    return ArticlePage.objects.get(slug="hypermobile-lower-back-pain")


def revisions(page) -> int:
    return Revision.page_revisions.filter(object_id=str(page.pk)).count()


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def rich_texts(page) -> list[str]:
    sources = [block.value.source for block in page.body if block.block_type == "paragraph"]
    sources += [b.value["body"].source for b in page.body if b.block_type == "callout"]
    return sources + [item.answer for item in page.faq_items.all()]


def test_imported_rich_text_is_stored_exactly_as_the_editor_would_store_it(flagship):
    widget = get_rich_text_editor_widget(features=RICH_TEXT_FEATURES)
    for html in rich_texts(flagship):
        assert re.search(r"<(p|li)>", html) is None, html  # every block carries its key
        posted_back = widget.value_from_datadict({"t": widget.format_value(html)}, {}, "t")
        assert posted_back == html


def test_opening_a_freshly_imported_article_in_the_editor_leaves_no_draft(admin_client, flagship):
    before = revisions(flagship)
    assert admin_client.get(edit_url(flagship)).status_code == 200
    flagship.refresh_from_db()
    assert not flagship.has_unpublished_changes
    assert revisions(flagship) == before


def test_a_background_save_of_the_untouched_editor_stores_no_revision(admin_client, flagship):
    before = revisions(flagship)
    data = untouched_edit_form(admin_client, flagship)
    response = admin_client.post(edit_url(flagship), data, **JSON)
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert "revision_id" not in response.json()
    flagship.refresh_from_db()
    assert not flagship.has_unpublished_changes
    assert revisions(flagship) == before


def test_a_background_save_with_an_edit_still_stores_a_draft(admin_client, flagship):
    data = untouched_edit_form(admin_client, flagship)
    data["summary"] = ["A new summary, typed by the editor."]
    response = admin_client.post(edit_url(flagship), data, **JSON)
    assert response.json()["success"] is True and response.json()["revision_id"]
    flagship.refresh_from_db()
    assert flagship.has_unpublished_changes
    latest = flagship.get_latest_revision_as_object()
    assert latest.summary == "A new summary, typed by the editor."


def test_an_editor_who_clicks_save_draft_without_changes_still_gets_a_revision(
    admin_client, flagship
):
    """Only the background save is quiet: a click on "Save draft" does what it says."""
    before = revisions(flagship)
    response = admin_client.post(edit_url(flagship), untouched_edit_form(admin_client, flagship))
    assert response.status_code == 302
    assert revisions(flagship) == before + 1


def test_reimporting_an_unchanged_article_creates_no_draft(flagship):
    before = revisions(flagship)
    report = import_markdown_files([FLAGSHIP])
    assert [outcome.slug for outcome in report.unchanged] == [flagship.slug]
    assert report.updated == []
    flagship.refresh_from_db()
    assert not flagship.has_unpublished_changes
    assert revisions(flagship) == before


@pytest.mark.parametrize("model", [TreatmentPage, HomePage])
def test_the_demos_other_pages_opened_and_left_stay_as_they_were(admin_client, demo, model):
    page = model.objects.first()
    before = revisions(page)
    data = untouched_edit_form(admin_client, page)
    assert admin_client.post(edit_url(page), data, **JSON).json()["success"] is True
    page.refresh_from_db()
    assert not page.has_unpublished_changes
    assert revisions(page) == before
