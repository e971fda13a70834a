"""The site shell: robots.txt, the login page and the stylesheets every page links."""

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_robots_txt_hides_the_cms_and_private_areas_and_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    for prefix in ("/cms/", "/care/", "/my/", "/accounts/"):
        assert f"Disallow: {prefix}" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


@override_settings(PRIVATE_PATH_PREFIXES=("/care/", "/vault/"))
def test_robots_txt_takes_its_private_prefixes_from_settings(client):
    body = client.get("/robots.txt").content.decode()
    disallowed = [line for line in body.splitlines() if line.startswith("Disallow:")]
    assert disallowed == ["Disallow: /cms/", "Disallow: /care/", "Disallow: /vault/"]


def test_login_page_renders_with_skip_link(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#main"' in html
    assert 'id="main"' in html


def test_every_page_links_the_shells_global_stylesheets_which_exist(client):
    html = client.get(reverse("login")).content.decode()
    for path in ("core/css/site.css", "core/css/print.css"):
        assert f'href="/static/{path}"' in html
        assert finders.find(path), path


def test_logging_out_goes_back_to_the_public_site(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("shell-user", password="x"))
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
