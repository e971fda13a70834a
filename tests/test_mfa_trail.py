"""The second factor's decisions in the audit trail (mfa/trail.py): a code accepted at login,
a remembered browser let through without one, and a step-up confirmation are each written
once, beside the refusals the verify and confirm pages already write; never a code."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import TEST_PASSWORD, app_code, enrol

pytestmark = pytest.mark.django_db
VERIFY_URL = reverse("mfa:verify")
CONFIRM_URL = reverse("mfa:confirm")
ADDRESS = "203.0.113.77"


@pytest.fixture
def provider():
    return make_provider("t.mfa-trail", Discipline.PAIN_MANAGEMENT)


@pytest.fixture
def enrolled(provider):
    return enrol(provider)


def password_login(user, client: Client | None = None) -> Client:
    client = client or Client(REMOTE_ADDR=ADDRESS)
    response = client.post(
        reverse("login"), {"username": user.get_username(), "password": TEST_PASSWORD}
    )
    assert response.status_code == 302, response.content
    return client


def verified_events(user) -> list[dict]:
    return list(
        AuditEvent.objects.filter(actor=user, action=AuditAction.VERIFIED)
        .order_by("pk")
        .values_list("detail", flat=True)
    )


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_right_code_at_login_is_audited_once_after_the_refused_one(provider, enrolled):
    device, _ = enrolled
    client = password_login(provider)
    assert client.post(VERIFY_URL, {"code": "000000"}).status_code == 400
    assert verified_events(provider) == []
    code = app_code(device, steps_ahead=1)
    assert client.post(VERIFY_URL, {"code": code}).status_code == 302
    client.get("/care/")  # the session is verified: nothing more is written
    assert verified_events(provider) == [
        {"what": "second factor accepted", "step": "verify", "method": "authenticator app"}
    ]
    event = AuditEvent.objects.get(actor=provider, action=AuditAction.VERIFIED)
    assert (event.ip_address, event.path) == (ADDRESS, VERIFY_URL)
    assert code not in str(event.detail)
    refused = AuditEvent.objects.get(actor=provider, action=AuditAction.DENIED)
    assert refused.detail["reason"] == "wrong code"


def test_a_recovery_code_at_login_is_audited_as_such(provider, enrolled):
    _, codes = enrolled
    client = password_login(provider)
    assert client.post(VERIFY_URL, {"recovery_code": codes[0]}).status_code == 302
    assert [event["method"] for event in verified_events(provider)] == ["recovery code"]


def test_a_remembered_browser_let_through_without_a_code_is_audited_once(provider, enrolled):
    device, _ = enrolled
    client = password_login(provider)
    code = app_code(device, steps_ahead=1)
    client.post(VERIFY_URL, {"code": code, "remember": "on"})
    client.post(reverse("logout"))
    password_login(provider, client)
    assert client.get("/care/").status_code == 200
    assert client.get("/care/").status_code == 200
    assert [event["method"] for event in verified_events(provider)] == [
        "authenticator app",
        "remembered browser",
    ]


def test_a_step_up_confirmation_is_audited_with_what_was_given(provider, enrolled):
    device, codes = enrolled
    client = password_login(provider)
    client.post(VERIFY_URL, {"code": app_code(device, steps_ahead=1)})
    response = client.post(CONFIRM_URL, {"password": TEST_PASSWORD, "recovery_code": codes[0]})
    assert response.status_code == 302
    confirmed = verified_events(provider)[-1]
    assert confirmed == {
        "what": "identity confirmed before a risky action",
        "step": "confirm",
        "method": "password and recovery code",
    }


def test_a_step_up_with_the_password_alone_is_audited_too(provider):
    client = password_login(provider)
    assert client.post(CONFIRM_URL, {"password": TEST_PASSWORD}).status_code == 302
    assert [event["method"] for event in verified_events(provider)] == ["password"]
