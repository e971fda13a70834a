"""Every logged-in user, patient or staff, reaches "Your account" from the site header: one
page linking to changing the password, the second factor and where they are logged in. It is
a whole, accessible page that works without JavaScript."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from audit.privacy import PRIVACY_OFFICERS_GROUP
from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db

ACCOUNT_URL = reverse("account")
HEADER_LINK = f'<a href="{ACCOUNT_URL}">Your account</a>'


def header(html: str) -> str:
    return re.search(r'<header class="site-header".*?</header>', html, re.S).group(0)


def every_kind_of_user(portal_world) -> dict:
    editor = make_user("t.editor")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    officer = make_user("t.officer")
    officer.groups.add(Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)[0])
    return {
        "patient": portal_world.patient_user,
        "provider": portal_world.team.lead,
        "editor": editor,
        "privacy officer": officer,
        "superuser": make_user("t.root", is_superuser=True),
        "login with no area": make_user("t.plain"),
    }


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_kind_of_logged_in_user_finds_their_account_in_the_site_header(portal_world):
    for kind, user in every_kind_of_user(portal_world).items():
        html = logged_in(user).get(reverse("search")).content.decode()
        assert HEADER_LINK in header(html), kind


def test_anonymous_visitors_see_no_account_link_and_are_sent_to_log_in(client):
    assert "Your account" not in header(client.get(reverse("search")).content.decode())
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_account_page_links_to_the_password_the_second_factor_and_the_sessions(
    portal_world,
):
    for kind, user in every_kind_of_user(portal_world).items():
        client = logged_in(user)
        html = client.get(ACCOUNT_URL).content.decode()
        main = html.split("<main", 1)[1]
        for url_name in ("password_change", "mfa:security", "sessions"):
            url = reverse(url_name)
            assert f'href="{url}"' in main, (kind, url_name)
            assert client.get(url).status_code == 200, (kind, url_name)


def test_the_account_page_is_a_whole_accessible_page_marked_current_in_the_header():
    provider = make_provider("t.physio", Discipline.PHYSICAL_THERAPY)
    response = logged_in(provider).get(ACCOUNT_URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert_accessible_page(html)
    assert f'<a href="{ACCOUNT_URL}" aria-current="page">Your account</a>' in header(html)
    assert re.findall(r"<h2><a [^>]*>([^<]+)</a></h2>", html) == [
        "Change your password",
        "Second factor",
        "Where you are logged in",
        "API tokens",
        "Message notifications",
    ]


def test_the_account_page_only_answers_get(client):
    client.force_login(make_user("t.plain"))
    assert client.post(ACCOUNT_URL).status_code == 405
