"""Each kind of user finds their own pages in the main navigation on every page."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User

from careteam.models import Patient, Provider
from portal.services.navigation import user_nav_links
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db


def nav_labels(html: str) -> list[str]:
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.fixture
def patient_user():
    user = User.objects.create_user("nav-patient", password="x")
    Patient.objects.create(
        given_name="Pat",
        family_name="Reader",
        date_of_birth=datetime.date(1990, 1, 1),
        record_number="NAV-1",
        user=user,
    )
    return user


@pytest.fixture
def provider_user():
    user = User.objects.create_user("nav-provider", password="x")
    Provider.objects.create(user=user, discipline="physical_therapy")
    return user


@pytest.fixture
def editor_user():
    user = User.objects.create_user("nav-editor", password="x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    return user


SHARED = ["Articles", "Treatments", "Search"]


def test_each_kind_of_user_sees_its_links_on_a_wagtail_page(
    client, site_tree, patient_user, provider_user, editor_user
):
    article = make_article(site_tree.articles, "Pacing basics")
    expected = {
        patient_user: ["My plan", "My reading", "Check-in"],
        provider_user: ["Care plans"],
        editor_user: ["CMS"],
    }
    for user, links in expected.items():
        client.force_login(user)
        for url in ("/", article.url):
            assert nav_labels(client.get(url).content.decode()) == SHARED + links, (user, url)
    client.logout()
    assert nav_labels(client.get("/").content.decode()) == [*SHARED, "Log in"]


def test_the_current_page_is_marked_and_links_are_not_repeated(client, provider_user):
    client.force_login(provider_user)
    html = client.get("/care/").content.decode()
    assert html.count(">Care plans</a>") == 1
    assert 'href="/care/" aria-current="page">Care plans</a>' in html


def test_anonymous_visitors_cost_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert user_nav_links(AnonymousUser(), "/") == []


def test_a_logged_in_user_costs_one_query_once_permissions_are_loaded(
    django_assert_num_queries, editor_user
):
    Provider.objects.create(user=editor_user, discipline="nursing")
    editor_user.has_perm("wagtailadmin.access_admin")  # Wagtail's user bar does this first
    with django_assert_num_queries(1):
        links = user_nav_links(editor_user, "/care/plans/4/")
    assert [(link.label, link.current) for link in links] == [("Care plans", "true"), ("CMS", "")]
