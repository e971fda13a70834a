"""Remember this browser: the code is skipped on the same browser (its signed cookie) for
MFA_REMEMBER_DAYS, not on another, not for another user, not after it expires, not after a
password change, and not once the user forgets their browsers."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from careteam.models import Discipline
from mfa.models import RememberedBrowser
from mfa.remember import COOKIE_NAME
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import TEST_PASSWORD, app_code, enrol, verified_client

pytestmark = pytest.mark.django_db
VERIFY_URL = reverse("mfa:verify")


def password_login(user, client: Client | None = None, password: str = TEST_PASSWORD) -> Client:
    client = client or Client()
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": password}
    )
    assert response.status_code == 302, response.content
    return client


def logged_out(client: Client) -> Client:
    client.post(reverse("logout"))
    return client


@pytest.fixture
def provider():
    return make_provider("t.mfa-remember", Discipline.PAIN_MANAGEMENT)


@pytest.fixture
def device(provider):
    return enrol(provider)[0]


@pytest.fixture
def remembered(provider, device) -> Client:
    """A browser where the provider ticked "remember this browser", then logged out."""
    client = password_login(provider)
    response = client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1), "remember": "on"})
    assert response.status_code == 302
    return logged_out(client)


def asks_for_code(client: Client) -> bool:
    return client.get("/care/").get("Location", "").startswith(VERIFY_URL)


def test_the_same_browser_skips_the_code_and_another_does_not(provider, remembered):
    assert not asks_for_code(password_login(provider, remembered))
    assert asks_for_code(password_login(provider))
    assert RememberedBrowser.objects.get(user=provider).last_used_at is not None


def test_the_cookie_is_signed_http_only_and_lax(provider, device):
    client = password_login(provider)
    response = client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1), "remember": "1"})
    cookie = response.cookies[COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 30 * 24 * 60 * 60
    assert not cookie["secure"]  # tests run without HTTPS; production sets it (next test)
    tampered = Client()
    tampered.cookies[COOKIE_NAME] = cookie.value[:-2] + "xx"
    assert asks_for_code(password_login(provider, tampered))


@override_settings(SESSION_COOKIE_SECURE=True)
def test_the_cookie_is_secure_where_the_session_cookie_is(provider, device):
    client = password_login(provider)
    response = client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1), "remember": "1"})
    assert response.cookies[COOKIE_NAME]["secure"]


def test_the_cookie_is_bound_to_its_user(remembered):
    someone_else = make_provider("t.mfa-other", Discipline.PHYSICAL_THERAPY)
    enrol(someone_else)
    assert asks_for_code(password_login(someone_else, remembered))


def test_an_expired_record_or_cookie_is_not_accepted(provider, remembered):
    RememberedBrowser.objects.filter(user=provider).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert asks_for_code(password_login(provider, remembered))
    logged_out(remembered)
    RememberedBrowser.objects.filter(user=provider).update(
        expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    in_31_days = timezone.now().timestamp() + 31 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=in_31_days):
        assert asks_for_code(password_login(provider, remembered))


def test_a_password_change_forgets_every_browser(provider, remembered):
    provider.set_password("a-brand-new-pass-77")
    provider.save(update_fields=["password"])
    assert asks_for_code(password_login(provider, remembered, password="a-brand-new-pass-77"))


def test_forgetting_browsers_from_the_security_page(provider, device, remembered):
    client = verified_client(provider, device)
    page = client.get(reverse("mfa:security")).content.decode()
    assert "1 browser can skip the code" in page
    response = client.post(reverse("mfa:forget-browsers"))
    assert response["Location"] == reverse("mfa:security")
    assert not RememberedBrowser.objects.filter(user=provider).exists()
    assert asks_for_code(password_login(provider, remembered))


@override_settings(MFA_REMEMBER_DAYS=0)
def test_remembering_can_be_turned_off(provider, device):
    client = password_login(provider)
    page = client.get(VERIFY_URL).content.decode()
    assert "Remember this browser" not in page
    response = client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1), "remember": "1"})
    assert COOKIE_NAME not in response.cookies
    assert not RememberedBrowser.objects.exists()
