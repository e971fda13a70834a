"""The site header: the brand, then the navigation and one search box, which fold into a
"Menu" (a <details>, no JavaScript) on phones. A page with a search box of its own (home,
search, page not found) shows no second one in the header."""

import re

import pytest
from django.urls import reverse

from tests.page_checks import assert_accessible_page
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return re.search(r'<header class="site-header".*?</header>', html, re.S).group(0)


def search_boxes(html: str) -> int:
    return len(re.findall(r'<input type="search"', html))


@pytest.mark.parametrize("url", ["/", "/search/?q=pacing", "/no-such-page/"])
def test_pages_with_their_own_search_box_show_only_that_one(client, site_tree, url):
    html = client.get(url).content.decode()
    assert search_boxes(html) == 1
    assert search_boxes(header(html)) == 0
    assert_accessible_page(html)


def test_every_other_page_has_one_search_box_in_the_header(client, site_tree, portal_world):
    article = make_article(site_tree.articles, "Pacing basics")
    client.force_login(portal_world.patient_user)
    for url in (article.url, reverse("patientportal:plan"), reverse("patientportal:reading")):
        html = client.get(url).content.decode()
        assert search_boxes(html) == 1, url
        assert search_boxes(header(html)) == 1, url


def test_the_navigation_and_search_fold_into_a_menu_that_needs_no_script(client, portal_world):
    client.force_login(portal_world.patient_user)
    top = header(client.get(reverse("patientportal:plan")).content.decode())
    menu = re.search(r'<details class="site-menu">.*?</details>', top, re.S).group(0)
    assert re.search(r"<summary[^>]*>Menu</summary>", menu)
    assert '<nav class="site-nav" aria-label="Main">' in menu
    assert 'role="search"' in menu
    for label in ("Articles", "My plan", "My reading", "Check-in", "Your account", "Log out"):
        assert f">{label}<" in menu, label
    assert "<script" not in top
