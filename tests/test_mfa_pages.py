"""The second factor's pages are whole, accessible HTML pages: one h1, every element closed,
unique ids, a label for every field, no script; they work without JavaScript."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import enrol, recently_authenticated, verified_client
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    return make_provider("t.mfa-pages", Discipline.PAIN_MANAGEMENT)


def test_setup_verify_and_confirm_pages_are_accessible(provider):
    client = Client()
    client.force_login(provider)
    assert_accessible_page(client.get(reverse("mfa:setup")).content.decode())
    assert_accessible_page(client.post(reverse("mfa:setup"), {"code": ""}).content.decode())
    assert_accessible_page(client.get(reverse("mfa:confirm")).content.decode())
    device, _ = enrol(provider)
    unverified = Client()
    unverified.force_login(provider)
    assert_accessible_page(unverified.get(reverse("mfa:verify")).content.decode())
    refused = unverified.post(reverse("mfa:verify"), {"code": "000000"}).content.decode()
    assert_accessible_page(refused)
    verified = verified_client(provider, device)
    assert_accessible_page(verified.get(reverse("mfa:confirm")).content.decode())
    assert_accessible_page(verified.get(reverse("mfa:security")).content.decode())


def test_the_recovery_codes_page_is_accessible(provider):
    device, _ = enrol(provider)
    client = recently_authenticated(verified_client(provider, device))
    response = client.post(reverse("mfa:new-recovery-codes"))
    assert "no-store" in response["Cache-Control"]  # never kept by a browser or proxy
    html = response.content.decode()
    assert "the only time they are shown" in html
    assert_accessible_page(html)
