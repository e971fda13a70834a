"""Each kind of user finds their own pages in the main navigation on every page, and lands on
the first of them after logging in: both from the areas the apps register (core.areas).
Every logged-in user also finds "Your account", last."""

import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser, Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from careteam.models import Patient, Provider
from core import areas as core_areas
from core.areas import Area, home_url_name, registered_areas, user_areas
from core.navigation import user_nav_links
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


# No "Search" link: every page has a search box (tests/test_core_header.py).
SHARED = ["Articles", "Treatments"]


def test_each_kind_of_user_sees_its_links_on_a_wagtail_page(
    client, site_tree, patient_user, provider_user, editor_user
):
    article = make_article(site_tree.articles, "Pacing basics")
    expected = {
        patient_user: [
            "To do",
            "My plan",
            "My reading",
            "Check-in",
            "Messages",
            "My exercises",
            "Your account",
        ],
        provider_user: ["Care plans", "Your account"],
        editor_user: ["CMS", "Your account"],
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
    assert [(link.label, link.current) for link in links] == [
        ("Care plans", "true"),
        ("CMS", ""),
        ("Your account", ""),
    ]


# The areas behind the navigation and the landing page after login (core.areas).


def test_each_app_registers_its_area_in_navigation_order():
    assert [area.name for area in registered_areas()] == [
        "careteam",
        "patientportal",
        "messaging",
        "exercises",
        "portal",
        "accounts",
    ]


def test_navigation_and_landing_page_come_from_the_same_areas(
    patient_user, provider_user, editor_user
):
    assert user_areas(AnonymousUser()) == []
    assert [area.name for area in user_areas(patient_user)] == [
        "patientportal",
        "messaging",
        "exercises",
        "accounts",
    ]
    assert [area.name for area in user_areas(provider_user)] == ["careteam", "accounts"]
    assert [area.name for area in user_areas(editor_user)] == ["portal", "accounts"]
    assert [area.name for area in user_areas(User.objects.create_user("nav-plain"))] == ["accounts"]
    assert home_url_name(patient_user) == "patientportal:home"
    assert home_url_name(provider_user) == "careteam:dashboard"
    assert home_url_name(editor_user) == "wagtailadmin_home"


@pytest.mark.parametrize(
    ("kind", "landing"),
    [("patient", "/my/"), ("provider", "/care/"), ("editor", "/cms/"), ("both", "/care/")],
)
def test_each_kind_of_user_lands_on_its_first_area_after_login(
    client, patient_user, provider_user, editor_user, kind, landing
):
    users = {"patient": patient_user, "provider": provider_user, "editor": editor_user}
    if kind == "both":
        Provider.objects.create(user=patient_user, discipline="nursing")
        users["both"] = patient_user
    client.force_login(users[kind])
    response = client.get(reverse("after-login"))
    assert response.status_code == 302
    assert response["Location"] == landing


def test_anonymous_visitors_are_sent_to_log_in_before_landing(client):
    response = client.get(reverse("after-login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_switched_off_patient_login_belongs_to_no_patient_area(patient_user):
    patient_user.is_active = False
    assert user_areas(patient_user) == []
    assert user_nav_links(patient_user, "/") == []


def test_anonymous_areas_cost_no_query_and_a_user_one_for_every_profile_area(
    django_assert_num_queries, monkeypatch, patient_user, editor_user
):
    with django_assert_num_queries(0):
        assert home_url_name(AnonymousUser()) is None
    # A third app with its own profile relation still costs no second query.
    monkeypatch.setitem(
        core_areas._areas,
        "extra",
        Area(name="extra", label="Extra", links=(("Extra", "search"),), profile="patient_profile"),
    )
    Provider.objects.create(user=editor_user, discipline="nursing")
    for user in (editor_user, patient_user):
        user.has_perm("wagtailadmin.access_admin")  # Wagtail's user bar does this first
    with django_assert_num_queries(1):
        names = [area.name for area in user_areas(editor_user)]
    assert names == ["careteam", "portal", "accounts"]
    with django_assert_num_queries(1):
        names = [area.name for area in user_areas(patient_user)]
    assert names == ["patientportal", "messaging", "exercises", "extra", "accounts"]


def test_an_area_needs_exactly_one_way_to_belong():
    with pytest.raises(ImproperlyConfigured):
        Area(name="nobody", label="Nobody")
    with pytest.raises(ImproperlyConfigured):
        Area(name="both", label="Both", profile="patient_profile", permission="auth.view_user")
    with pytest.raises(ImproperlyConfigured):
        Area(name="also", label="Also", permission="auth.view_user", every_login=True)
