"""A user is emailed after every change to their login's security (accounts/notices.py): a
password changed or reset, a second factor set up, replaced or removed, new recovery codes, a
recovery code used. Sent by a background task once the change commits, in plain words, with
no secret, and saying what to do if it was not them."""

import datetime
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.notices import WORDING, Notice, send_security_notice
from accounts.tokens import reset_token_generator
from tests.accounts_helpers import SAM_PASSWORD, attempt, make_sam
from tests.mfa_fixtures import app_code, enrol, recently_authenticated

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orchard-kettle-misty-58"
ACCOUNT_LINK = "http://testserver/accounts/"
IF_NOT_YOU = f"If it was not you, tell {settings.ACCOUNTS_ADMIN_CONTACT} straight away."
NO_THROTTLE = override_settings(OTP_TOTP_THROTTLE_FACTOR=0, OTP_STATIC_THROTTLE_FACTOR=0)
SITE = settings.WAGTAIL_SITE_NAME
CODES = re.compile(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>")


@pytest.fixture
def sam(db):
    return make_sam()


@pytest.fixture
def signed_in(sam) -> Client:
    client = Client()
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302
    return client


def sent_to_sam() -> list[str]:
    assert all(message.to == ["sam.ortiz@example.com"] for message in mail.outbox)
    return [message.subject for message in mail.outbox]


def change_password(client: Client, old: str = SAM_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )


def test_a_password_change_is_emailed_once_the_change_commits(
    signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert change_password(signed_in).status_code == 302
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent_to_sam() == [f"Your {SITE} password was changed"]
    body = mail.outbox[0].body
    assert f'The password of your {SITE} login "sam" was changed.' in body
    assert NEW_PASSWORD not in body and SAM_PASSWORD not in body
    assert IF_NOT_YOU in body
    assert ACCOUNT_LINK in body


def test_a_refused_password_change_sends_nothing(signed_in, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert change_password(signed_in, old="not-the-old-one").status_code == 200
    assert mail.outbox == []


def test_a_password_reset_through_the_link_is_emailed(
    client, sam, django_capture_on_commit_callbacks
):
    uid = urlsafe_base64_encode(force_bytes(sam.pk))
    token = reset_token_generator.make_token(sam)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    form_page = client.get(path)["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            form_page, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
    assert response["Location"] == reverse("password_reset_complete")
    assert sent_to_sam() == [f"Your {SITE} password was reset"]
    assert "Every place you were logged in has been logged out." in mail.outbox[0].body


def test_setting_up_a_second_factor_is_emailed_and_the_codes_are_not(
    signed_in, sam, django_capture_on_commit_callbacks
):
    signed_in.get(reverse("mfa:setup"))
    device = sam.totpdevice_set.get(confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(reverse("mfa:setup"), {"code": app_code(device)})
    codes = CODES.findall(response.text)
    assert len(codes) == 10
    assert sent_to_sam() == [f"A second factor was set up for your {SITE} login"]
    assert not any(code in mail.outbox[0].body for code in codes)


@NO_THROTTLE
def test_replacing_the_phone_is_emailed_as_a_replacement(sam, django_capture_on_commit_callbacks):
    old, _ = enrol(sam)
    client = Client()
    attempt(client, "sam", SAM_PASSWORD)
    client.post(reverse("mfa:verify"), {"code": app_code(old, steps_ahead=1)})
    recently_authenticated(client)
    client.get(reverse("mfa:setup"))
    new = sam.totpdevice_set.get(confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa:setup"), {"code": app_code(new)})
    assert sent_to_sam() == [f"Your {SITE} second factor was replaced"]
    assert "The old app and the old recovery codes no longer work." in mail.outbox[0].body


def verified(sam) -> tuple[Client, list[str]]:
    device, codes = enrol(sam)
    client = Client()
    attempt(client, "sam", SAM_PASSWORD)
    response = client.post(reverse("mfa:verify"), {"code": app_code(device, steps_ahead=1)})
    assert response.status_code == 302
    return recently_authenticated(client), codes


def test_new_recovery_codes_are_emailed_without_them(sam, django_capture_on_commit_callbacks):
    client, old_codes = verified(sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa:new-recovery-codes"))
    new_codes = CODES.findall(response.text)
    assert len(new_codes) == 10
    assert sent_to_sam() == [f"New recovery codes for your {SITE} login"]
    assert not any(code in mail.outbox[0].body for code in new_codes + old_codes)


def test_turning_the_second_factor_off_is_emailed(sam, django_capture_on_commit_callbacks):
    client, _ = verified(sam)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("mfa:turn-off")).status_code == 302
    assert sent_to_sam() == [f"Your {SITE} second factor was removed"]


def test_an_administrators_reset_of_the_second_factor_is_emailed_and_a_second_is_not(
    sam, django_capture_on_commit_callbacks
):
    enrol(sam)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mfa_reset", "sam", stdout=open("/dev/null", "w"))  # noqa: SIM115
        call_command("mfa_reset", "sam", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sent_to_sam() == [f"Your {SITE} second factor was removed"]


@NO_THROTTLE
def test_a_recovery_code_used_to_log_in_is_emailed_and_an_app_code_is_not(
    sam, django_capture_on_commit_callbacks
):
    device, codes = enrol(sam)
    by_app, by_code = Client(), Client()
    for client in (by_app, by_code):
        attempt(client, "sam", SAM_PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        by_app.post(reverse("mfa:verify"), {"code": app_code(device, steps_ahead=1)})
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        by_code.post(reverse("mfa:verify"), {"recovery_code": codes[3]})
    assert sent_to_sam() == [f"A recovery code was used for your {SITE} login"]
    assert codes[3] not in mail.outbox[0].body


def test_every_notice_says_what_happened_when_and_what_to_do_if_it_was_not_you(sam):
    happened_at = datetime.datetime(2026, 3, 4, 14, 5, tzinfo=datetime.UTC)
    assert set(WORDING) == set(Notice)
    for notice in Notice:
        mail.outbox.clear()
        assert send_security_notice.call(sam.pk, notice.value, happened_at.isoformat()) is True
        (message,) = mail.outbox
        assert "\n" not in message.subject and message.to == ["sam.ortiz@example.com"]
        local = timezone.localtime(happened_at)
        assert f"This happened on 4 March 2026 at {local:%H:%M}." in message.body
        assert '"sam"' in message.body
        assert IF_NOT_YOU in message.body and ACCOUNT_LINK in message.body


def test_the_task_sends_nothing_to_a_switched_off_login_one_without_email_or_an_unknown_notice(
    sam,
):
    now = timezone.now().isoformat()
    assert send_security_notice.call(sam.pk, "no_such_notice", now) is False
    get_user_model().objects.filter(pk=sam.pk).update(email="")
    assert send_security_notice.call(sam.pk, Notice.PASSWORD_CHANGED.value, now) is False
    get_user_model().objects.filter(pk=sam.pk).update(email="sam@example.com", is_active=False)
    assert send_security_notice.call(sam.pk, Notice.PASSWORD_CHANGED.value, now) is False
    assert mail.outbox == []
