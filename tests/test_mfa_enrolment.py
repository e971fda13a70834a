"""Enrolling a second factor: who is made to, the QR page, the first code, the ten recovery
codes shown once (and stored only as keyed hashes), and a patient's free choice."""

from __future__ import annotations

import importlib
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.staff import is_staff
from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider, make_user
from tests.mfa_fixtures import (
    TEST_PASSWORD,
    app_code,
    enrol,
    recently_authenticated,
    verified_client,
)

pytestmark = pytest.mark.django_db
SETUP_URL = reverse("mfa:setup")
REQUIRED = override_settings(MFA_REQUIRED_FOR_STAFF=True)


def logged_in(user) -> Client:
    """A browser that logged in with the password through the login page."""
    client = Client()
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def editor():
    user = make_user("t.mfa-editor", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    return user


def pending_key(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def test_providers_editors_and_admins_are_staff_and_patients_are_not():
    assert is_staff(make_provider("t.mfa-pt", Discipline.PHYSICAL_THERAPY))
    assert is_staff(editor())
    assert is_staff(make_user("t.mfa-root", is_superuser=True))
    assert not is_staff(make_user("t.mfa-patient"))


@REQUIRED
def test_a_provider_without_a_device_is_sent_to_enrol_from_every_page():
    provider = make_provider("t.mfa-new", Discipline.PAIN_MANAGEMENT)
    client = logged_in(provider)
    for path in ("/care/", "/accounts/after-login/", "/cms/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"{SETUP_URL}?next={path.replace('/', '%2F')}", path
    assert client.get(SETUP_URL).status_code == 200


@REQUIRED
def test_an_editor_is_sent_to_enrol_before_the_wagtail_admin():
    response = logged_in(editor()).get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith(SETUP_URL)


@REQUIRED
def test_a_patient_is_not_made_to_enrol(portal_world):
    client = Client()
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert not response.get("Location", "").startswith(SETUP_URL)
    assert response.status_code in (200, 302)


@override_settings(MFA_REQUIRED_FOR_STAFF=False)
def test_without_the_requirement_a_provider_goes_straight_in():
    provider = make_provider("t.mfa-free", Discipline.PAIN_MANAGEMENT)
    assert logged_in(provider).get("/care/").status_code == 200


@REQUIRED
def test_the_setup_page_shows_a_qr_code_and_the_secret_and_an_accessible_code_field():
    provider = make_provider("t.mfa-qr", Discipline.PAIN_MANAGEMENT)
    client = logged_in(provider)
    html = client.get(SETUP_URL).content.decode()
    device = pending_key(provider)
    assert '<svg class="mfa-qr" role="img" aria-label=' in html
    assert "<script" not in html.split("<main", 1)[1]
    secret = re.search(r'class="mfa-secret"><code>([A-Z2-7 ]+)</code>', html).group(1)
    assert len(secret.replace(" ", "")) == 32  # 20 random bytes in base32
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert '<label for="id_code"' in html
    assert html.count("<h1") == 1
    # Scanning again while setting up shows the same key.
    client.get(SETUP_URL)
    assert pending_key(provider).pk == device.pk


@REQUIRED
def test_the_right_code_confirms_the_app_and_shows_ten_recovery_codes_once():
    provider = make_provider("t.mfa-ok", Discipline.PAIN_MANAGEMENT)
    client = logged_in(provider)
    client.get(SETUP_URL)
    device = pending_key(provider)
    response = client.post(SETUP_URL, {"code": app_code(device), "next": "/care/"})
    assert response.status_code == 200
    html = response.content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)
    assert len(codes) == 10 == len(set(codes))
    assert 'href="/care/"' in html
    device.refresh_from_db()
    assert device.confirmed
    # Stored as keyed hashes, never as shown.
    stored = set(StaticToken.objects.filter(device__user=provider).values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & ({code.replace("-", "") for code in codes} | set(codes))
    assert AuditEvent.objects.filter(
        actor=provider, action=AuditAction.CREATED, detail__what="second factor set up"
    ).exists()
    # The session is verified now: the provider reaches their pages.
    assert client.get("/care/").status_code == 200
    # The codes are never shown again: the setup page asks for the password first.
    again = client.get(SETUP_URL)
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("mfa:confirm"))


@REQUIRED
def test_a_wrong_code_at_setup_is_refused_and_audited():
    provider = make_provider("t.mfa-bad", Discipline.PAIN_MANAGEMENT)
    client = logged_in(provider)
    client.get(SETUP_URL)
    response = client.post(SETUP_URL, {"code": "000000"})
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert not pending_key(provider).confirmed
    event = AuditEvent.objects.get(actor=provider, action=AuditAction.DENIED)
    assert event.detail == {"reason": "wrong code", "step": "setup", "method": "authenticator app"}
    for junk in ({"code": ""}, {"code": "x" * 500}, {}):
        assert client.post(SETUP_URL, junk).status_code == 400
    assert client.get("/care/").status_code == 302


def test_a_patient_may_enrol_from_the_security_page_and_turn_it_off(portal_world):
    patient = portal_world.patient_user
    client = Client()
    client.force_login(patient)
    page = client.get(reverse("mfa:security")).content.decode()
    assert "You log in with your password only." in page
    assert SETUP_URL in page
    client.get(SETUP_URL)
    response = client.post(SETUP_URL, {"code": app_code(pending_key(patient))})
    assert response.status_code == 200
    page = client.get(reverse("mfa:security")).content.decode()
    assert "10 of 10 recovery codes left" in page
    assert reverse("mfa:turn-off") in page

    turn_off = reverse("mfa:turn-off")
    assert client.post(turn_off)["Location"].startswith(reverse("mfa:confirm"))
    assert TOTPDevice.objects.filter(user=patient).exists()
    recently_authenticated(client)
    assert client.post(turn_off)["Location"] == reverse("mfa:security")
    assert not TOTPDevice.objects.filter(user=patient).exists()
    assert not StaticToken.objects.filter(device__user=patient).exists()
    assert client.get(reverse("patientportal:plan")).status_code == 200


@REQUIRED
def test_staff_cannot_turn_their_second_factor_off():
    provider = make_provider("t.mfa-keep", Discipline.PAIN_MANAGEMENT)
    device, _ = enrol(provider)
    client = recently_authenticated(verified_client(provider, device))
    response = client.post(reverse("mfa:turn-off"), follow=True)
    assert "must keep a second factor" in response.content.decode()
    assert TOTPDevice.objects.filter(user=provider, confirmed=True).exists()


def test_new_recovery_codes_replace_the_old_ones_after_a_step_up():
    provider = make_provider("t.mfa-codes", Discipline.PAIN_MANAGEMENT)
    device, old_codes = enrol(provider)
    client = verified_client(provider, device)
    url = reverse("mfa:new-recovery-codes")
    assert client.post(url)["Location"].startswith(reverse("mfa:confirm"))
    recently_authenticated(client)
    html = client.post(url).content.decode()
    new_codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert StaticToken.objects.filter(device__user=provider).count() == 10


def test_production_makes_staff_use_it_and_the_demo_does_not(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example")
    monkeypatch.setenv("MFA_REQUIRED_FOR_STAFF", "false")
    production = importlib.reload(importlib.import_module("config.settings.production"))
    assert production.MFA_REQUIRED_FOR_STAFF is True
    assert "mfa.middleware.SecondFactorMiddleware" in production.MIDDLEWARE
    monkeypatch.delenv("MFA_REQUIRED_FOR_STAFF")
    base = importlib.reload(importlib.import_module("config.settings.base"))
    assert base.MFA_REQUIRED_FOR_STAFF is True
    dev = importlib.reload(importlib.import_module("config.settings.dev"))
    assert dev.MFA_REQUIRED_FOR_STAFF is False  # `make demo` logs in with passwords only


def test_an_administrator_resets_a_lost_phone():
    provider = make_provider("t.mfa-lost", Discipline.PAIN_MANAGEMENT)
    enrol(provider)
    out = StringIO()
    call_command("mfa_reset", provider.username, stdout=out)
    assert "removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=provider).exists()
    assert not StaticToken.objects.filter(device__user=provider).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DELETED, detail__what="second factor reset by an administrator"
    ).exists()
    with pytest.raises(CommandError):
        call_command("mfa_reset", "nobody-at-all")


@REQUIRED
def test_a_login_made_an_editor_during_its_session_must_enrol_before_the_admin():
    user = make_user("t.mfa-promoted")
    client = logged_in(user)
    assert not client.get("/accounts/mfa/").get("Location", "").startswith(SETUP_URL)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    assert client.get("/cms/")["Location"].startswith(SETUP_URL)
