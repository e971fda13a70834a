"""After the password, the code: a login with a second factor reaches nothing but the verify
page until a real code (computed here from the device's key) or a recovery code is entered.
Wrong codes are refused, slowed down and audited; scripts get JSON, never a 500."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import TEST_PASSWORD, app_code, enrol

pytestmark = pytest.mark.django_db
VERIFY_URL = reverse("mfa:verify")
NO_THROTTLE = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)


def password_login(user, client: Client | None = None) -> Client:
    client = client or Client()
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def provider():
    return make_provider("t.mfa-verify", Discipline.PAIN_MANAGEMENT)


@pytest.fixture
def device(provider):
    return enrol(provider)[0]


def denials(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(actor=user, action=AuditAction.DENIED)
        .order_by("pk")
        .values_list("detail", flat=True)
    )


def test_after_the_password_the_login_goes_to_verify_before_anything_else(provider, device):
    client = Client()
    response = client.post(
        reverse("login"),
        {"username": provider.username, "password": TEST_PASSWORD, "next": "/care/"},
    )
    assert response["Location"] == "/care/"
    response = client.get("/care/")
    assert response["Location"] == f"{VERIFY_URL}?next=%2Fcare%2F"
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert 'name="next" value="/care/"' in html


@pytest.mark.parametrize(
    "path", ["/care/", "/my/plan/", "/cms/", "/cms/pages/", "/accounts/after-login/", "/"]
)
def test_an_unverified_session_reaches_no_page_behind_the_login(provider, device, path):
    client = password_login(provider)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)
    posted = client.post(path, {"q": "x"})
    assert posted.status_code in (302, 403)  # 403: the CSRF check comes first
    if posted.status_code == 302:
        assert posted["Location"] == VERIFY_URL


def test_a_script_gets_json_instead_of_a_redirect(provider, device):
    client = password_login(provider)
    response = client.get("/care/", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["location"] == f"{VERIFY_URL}?next=%2Fcare%2F"


def test_logging_out_works_before_the_code(provider, device):
    client = password_login(provider)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/care/")["Location"].startswith(reverse("login"))


def test_a_real_code_from_the_app_lets_the_provider_in(provider, device):
    client = password_login(provider)
    code = app_code(device, steps_ahead=1)  # enrol() just used the current one
    response = client.post(VERIFY_URL, {"code": code, "next": "/care/"})
    assert response.status_code == 302
    assert response["Location"] == "/care/"
    assert client.get("/care/").status_code == 200
    # The same code cannot be used twice, even by another browser.
    other = password_login(provider)
    assert other.post(VERIFY_URL, {"code": code}).status_code in (400, 429)


def test_a_verified_session_reaches_the_wagtail_admin_if_allowed(device, provider):
    provider.is_superuser = True
    provider.save(update_fields=["is_superuser"])
    client = password_login(provider)
    client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1)})
    assert client.get("/cms/").status_code == 200


@NO_THROTTLE
def test_a_recovery_code_works_once(provider):
    _, codes = enrol(provider)
    client = password_login(provider)
    response = client.post(VERIFY_URL, {"recovery_code": codes[0].upper(), "next": "/care/"})
    assert response["Location"] == "/care/"
    assert "9 left" in client.get("/care/").content.decode()

    other = password_login(provider)
    again = other.post(VERIFY_URL, {"recovery_code": codes[0]})
    assert again.status_code == 400
    assert other.get("/care/")["Location"].startswith(VERIFY_URL)
    assert other.post(VERIFY_URL, {"recovery_code": codes[1].replace("-", " ")}).status_code == 302


@NO_THROTTLE
def test_wrong_codes_are_refused_with_a_message_and_audited(provider, device):
    client = password_login(provider)
    for data in ({"code": "123456"}, {"recovery_code": "aaaaa-bbbbb"}, {"code": ""}, {}):
        response = client.post(VERIFY_URL, data)
        assert response.status_code == 400
        assert 'role="alert"' in response.content.decode()
    assert denials(provider) == [
        {"reason": "wrong code", "step": "verify", "method": "authenticator app"},
        {"reason": "wrong code", "step": "verify", "method": "recovery code"},
    ]
    assert client.get("/care/")["Location"].startswith(VERIFY_URL)
    assert client.post(VERIFY_URL, {"code": "1" * 5000}).status_code == 400


def test_wrong_codes_slow_down_even_the_right_one(provider, device):
    client = password_login(provider)
    assert client.post(VERIFY_URL, {"code": "000000"}).status_code == 400
    right = app_code(device, steps_ahead=1)
    throttled = client.post(VERIFY_URL, {"code": right})
    assert throttled.status_code == 429
    assert "Too many wrong codes" in throttled.content.decode()
    assert denials(provider)[-1]["reason"] == "too many wrong codes"
    # Once the wait is over the right code works.
    earlier = timezone.now() - datetime.timedelta(minutes=5)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=earlier)
    assert client.post(VERIFY_URL, {"code": right})["Location"] == "/accounts/after-login/"


def test_verify_never_sends_the_user_to_another_site(provider, device):
    client = password_login(provider)
    response = client.post(
        VERIFY_URL, {"code": app_code(device, steps_ahead=1), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/after-login/"


def test_a_device_removed_during_the_session_sends_the_user_back_to_setup(provider, device):
    client = password_login(provider)
    TOTPDevice.objects.filter(user=provider).delete()
    with override_settings(MFA_REQUIRED_FOR_STAFF=True):
        assert client.get("/care/")["Location"].startswith(reverse("mfa:setup"))
    assert client.get("/care/").status_code == 200  # not required: straight in


def test_a_patient_without_a_second_factor_pays_no_query_for_it(portal_world):
    client = Client()
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:plan")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code in (200, 302)
    assert not [q["sql"] for q in queries if "otp_" in q["sql"] or "mfa_" in q["sql"]]
