"""The site header in a real browser: with the patient's long navigation it keeps the links
and the search box on one row at 1280 px; on a phone it stays compact, the links folded into
a "Menu" that opens from the keyboard without JavaScript; a page with a search box of its
own shows only that one."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.checks import PHONE
from tests.patient_fixtures import PATIENT_PASSWORD

# The most the header may take above the content on a phone.
PHONE_HEADER_PX = 100


def test_the_patient_header_is_one_row_on_a_desktop_and_a_menu_on_a_phone(site, portal_world):
    page = site.log_in(portal_world.patient_user, PATIENT_PASSWORD)
    page.goto("/my/plan/")
    header = page.locator(".site-header")
    nav = header.get_by_role("navigation", name="Main")
    links, search = nav.bounding_box(), header.get_by_role("search").bounding_box()
    assert (
        links["y"] < search["y"] + search["height"] and search["y"] < links["y"] + links["height"]
    )
    expect(header.locator("summary")).to_be_hidden()

    page.set_viewport_size(PHONE)
    assert header.bounding_box()["height"] <= PHONE_HEADER_PX
    expect(nav).to_be_hidden()
    header.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Check-in")).to_be_visible()
    expect(header.get_by_role("searchbox")).to_be_visible()


def test_the_home_page_shows_one_search_box_at_any_width(site, site_tree):
    page = site.new_page()
    page.goto("/")
    for viewport in (None, PHONE):
        if viewport:
            page.set_viewport_size(viewport)
        expect(page.get_by_role("searchbox")).to_have_count(1)
        expect(page.get_by_role("searchbox")).to_be_visible()
