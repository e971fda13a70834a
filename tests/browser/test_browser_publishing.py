"""An article from the editor's first word to the reader: written in the Wagtail admin
(takeaways, sections, a red-flag callout, an FAQ) and submitted for medical review, then
approved and published by the reviewer, it is listed at /articles/ and found by search, the
sitemap and the feed."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Locator, Page, expect

from portal.services.review_workflow import EDITORS, MEDICAL_REVIEWERS
from tests.browser.checks import check_page
from tests.careteam_domain_fixtures import make_user

TITLE = "Pacing your day with back pain"
SLUG = "pacing-your-day-with-back-pain"
RED_FLAG = "New weakness in a leg needs urgent care today."
QUESTION = "Is rest better than gentle activity?"


@pytest.fixture
def editorial_team(site_tree):
    editor = make_user("e.editor", first_name="Erin", last_name="Editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=EDITORS))
    reviewer = make_user("r.reviewer", first_name="Rae", last_name="Reviewer", is_staff=True)
    reviewer.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    return editor, reviewer


def add_block(page: Page, stream: str, kind: str) -> None:
    page.locator(f"[data-contentpath={stream}] .c-sf-add-button").last.click()
    page.get_by_role("option", name=kind, exact=True).click()


def write_rich_text(page: Page, editor: Locator, stored_in: str, text: str) -> None:
    """Type into a Draftail editor and wait until the form field holds the text."""
    editor.click()
    page.keyboard.type(text)
    expect(page.locator(stored_in)).to_have_value(re.compile(re.escape(text)))


def write_article(page: Page) -> None:
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_summary").fill("How to spread what you do across the day.")
    page.locator("[data-contentpath=key_takeaways] .c-sf-add-button").last.click()
    page.locator("#key_takeaways-0-value-lead").fill("Little and often")
    page.locator("#key_takeaways-0-value-text").fill("Short walks help more than one long one.")
    body_text = page.locator("[data-contentpath=body] [role=textbox]")
    add_block(page, "body", "Heading")
    page.locator("#body-0-value-text").fill("Plan your day")
    page.locator("#body-0-value-level").select_option("h2")
    add_block(page, "body", "Paragraph")
    write_rich_text(page, body_text.last, "#body-1-value", "Split big jobs into small ones.")
    add_block(page, "body", "Callout")
    page.locator("#body-2-value-kind").select_option("red_flag")
    write_rich_text(page, body_text.last, "#body-2-value-body", RED_FLAG)
    page.get_by_role("button", name="Add Frequently asked questions").click()
    page.locator("#id_faq_items-0-question").fill(QUESTION)
    write_rich_text(
        page,
        page.locator("#id_faq_items-FORMS [role=textbox]"),
        "#id_faq_items-0-answer",
        "Gentle activity usually helps more than bed rest.",
    )


def test_an_article_written_and_approved_in_the_admin_reaches_every_way_readers_find_it(
    site, site_tree, editorial_team, shots
):
    editor_user, reviewer_user = editorial_team
    editor = site.log_in(editor_user)
    editor.goto(f"/cms/pages/add/portal/articlepage/{site_tree.articles.pk}/")
    check_page(editor)
    write_article(editor)
    editor.locator("footer").get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to Medical review").click()
    # Wagtail's autosave may have created the page already: "created and" or "has been".
    expect(editor.get_by_role("status")).to_contain_text(
        re.compile(f"Page '{TITLE}' .*submitted for moderation")
    )
    check_page(editor)

    reader = site.new_page()
    missing = reader.goto(f"/articles/{SLUG}/")
    assert missing is not None and missing.status == 404

    reviewer = site.log_in(reviewer_user)
    reviewer.goto("/cms/")
    review = reviewer.get_by_role("region", name="Awaiting your review")
    review.get_by_role("link", name=TITLE).click()
    expect(reviewer.locator("#id_title")).to_have_value(TITLE)
    check_page(reviewer, shots, "editor-readability")
    reviewer.locator("footer").get_by_role("button", name="More actions").click()
    reviewer.get_by_role("button", name="Approve and Publish", exact=True).click()
    reviewer.wait_for_url(lambda url: "/edit/" not in url)
    expect(reviewer.get_by_role("status")).to_contain_text(
        f"You approved “{TITLE}”. It is published, and readers see it now."
    )

    reader.goto("/articles/")
    check_page(reader)
    reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = reader.get_by_role("main")
    for text in ("Little and often", "Plan your day", RED_FLAG, QUESTION):
        expect(main).to_contain_text(text)
    check_page(reader, shots, "article")
    article_url = reader.url

    reader.goto("/search/?q=pacing")
    expect(reader.get_by_role("main").get_by_role("link", name=TITLE)).to_be_visible()
    check_page(reader, shots, "search")
    assert article_url.removeprefix(site.app.url) in reader.request.get("/sitemap.xml").text()
    assert f"<title>{TITLE}</title>" in reader.request.get("/articles/feed/").text()
