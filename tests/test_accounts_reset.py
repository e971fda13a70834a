"""Password reset by email for every kind of login: the same answer for any address, the email
sent by a background task after commit, single-use expiring links, never a way back in for a
switched-off login, and every session ended once the new password is saved."""

import datetime
import re
import time
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.reset_limits import REFUSAL_REASON
from accounts.tasks import send_password_reset_email
from accounts.tokens import reset_token_generator
from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from patientportal.services.logins import revoke_patient_access
from tests.accounts_helpers import (
    HOME_IP,
    OTHER_IP,
    SAM_PASSWORD,
    attempt,
    is_logged_in,
    make_sam,
)
from tests.careteam_domain_fixtures import make_provider, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orchard-kettle-misty-58"
LINK = re.compile(r"http://testserver(/accounts/password/reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def no_reset_request_counted_yet():
    """The request limits count in the cache, which outlives a test: each starts afresh."""
    cache.clear()


def ask_for_reset(client, email: str, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def emailed_path() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def confirm_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = reset_token_generator.make_token(user)
    return reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})


def set_new_password(client, path: str, password: str = NEW_PASSWORD):
    form_page = client.get(path)
    assert form_page.status_code == 302  # the token moves from the URL to the session
    return client.post(
        form_page["Location"], {"new_password1": password, "new_password2": password}
    )


def test_the_login_page_links_to_the_reset(client):
    html = client.get(reverse("login")).content.decode()
    assert f'<a href="{reverse("password_reset")}">Forgot your password?</a>' in html


def test_known_and_unknown_addresses_get_the_same_answer(
    client, django_capture_on_commit_callbacks
):
    make_sam()
    known = ask_for_reset(client, "SAM.ORTIZ@example.com", django_capture_on_commit_callbacks)
    unknown = ask_for_reset(client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.ortiz@example.com"]
    done = client.get(reverse("password_reset_done")).content.decode()
    assert "If the address you entered belongs to a login here" in done


def test_the_email_is_a_task_enqueued_once_the_request_commits(
    client, django_capture_on_commit_callbacks
):
    make_sam()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("password_reset"), {"email": "sam.ortiz@example.com"})
    assert len(callbacks) == 1 and mail.outbox == []
    callbacks[0]()
    assert len(mail.outbox) == 1
    assert "works once and stops working after 60 minutes" in mail.outbox[0].body


def test_the_task_sends_nothing_if_the_login_was_switched_off_meanwhile():
    sam = make_sam()
    get_user_model().objects.filter(pk=sam.pk).update(is_active=False)
    assert send_password_reset_email.call(sam.pk) is False
    assert mail.outbox == []


def test_patients_providers_and_editors_can_all_reset(
    client, portal_world, django_capture_on_commit_callbacks
):
    provider = make_provider("dr.reset", Discipline.PAIN_MANAGEMENT)
    editor = make_user("ed.reset")
    for user in (portal_world.patient_user, provider, editor):
        ask_for_reset(client, user.email, django_capture_on_commit_callbacks)
        assert mail.outbox[-1].to == [user.email]
        assert f'"{user.get_username()}"' in mail.outbox[-1].body


def test_the_emailed_link_sets_a_new_password_once(client, django_capture_on_commit_callbacks):
    make_sam()
    ask_for_reset(client, "sam.ortiz@example.com", django_capture_on_commit_callbacks)
    path = emailed_path()
    response = set_new_password(client, path)
    assert response["Location"] == reverse("password_reset_complete")
    assert attempt(client, "sam", NEW_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    again = client.get(path, follow=True)
    assert "This link does not work" in again.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGED, detail__access="password reset by email link"
    ).exists()


def test_a_reset_lifts_the_lockout_of_that_username(client):
    sam = make_sam()
    for _ in range(5):
        attempt(client, "sam", "wrong")
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429
    set_new_password(client, confirm_path(sam))
    assert attempt(client, "sam", NEW_PASSWORD, ip="192.0.2.99").status_code == 302


def test_a_weak_new_password_is_refused_with_the_reason(client):
    sam = make_sam()
    response = set_new_password(client, confirm_path(sam), "samortiz2026")
    assert response.status_code == 200
    assert "This password is too easy to guess." in response.content.decode()
    sam.refresh_from_db()
    assert sam.check_password(SAM_PASSWORD)


@override_settings(ACCOUNTS_PASSWORD_RESET_TIMEOUT=3600)
def test_a_link_expires_after_the_reset_timeout(client, monkeypatch):
    sam = make_sam()
    path = confirm_path(sam)
    later = reset_token_generator._now() + datetime.timedelta(seconds=3601)
    monkeypatch.setattr(reset_token_generator, "_now", lambda: later)
    assert "This link does not work" in client.get(path, follow=True).content.decode()


def test_a_switched_off_patient_gets_no_email_and_an_earlier_link_stops_working(
    client, portal_world, django_capture_on_commit_callbacks
):
    patient_user = portal_world.patient_user
    earlier_link = confirm_path(patient_user)
    revoke_patient_access(portal_world.plan, portal_world.lead)
    mail.outbox.clear()
    ask_for_reset(client, patient_user.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert "This link does not work" in client.get(earlier_link, follow=True).content.decode()
    patient_user.refresh_from_db()
    assert not patient_user.is_active and not patient_user.has_usable_password()


def test_a_deactivated_login_with_a_password_is_not_given_one_back(
    client, django_capture_on_commit_callbacks
):
    sam = make_sam()
    earlier_link = confirm_path(sam)
    get_user_model().objects.filter(pk=sam.pk).update(is_active=False)
    ask_for_reset(client, sam.email, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert "This link does not work" in client.get(earlier_link, follow=True).content.decode()
    sam.refresh_from_db()
    assert not sam.is_active and sam.check_password(SAM_PASSWORD)


def test_a_reset_logs_out_every_session_of_the_user(client):
    sam = make_sam()
    elsewhere = Client()
    assert attempt(elsewhere, "sam", SAM_PASSWORD).status_code == 302
    sam.refresh_from_db()  # the link is made for the login as it is now
    set_new_password(client, confirm_path(sam))
    assert not is_logged_in(elsewhere)
    assert elsewhere.get(reverse("sessions"))["Location"].startswith(reverse("login"))
    assert not sam.login_sessions.exists()


# How often a reset may be asked for (accounts.reset_limits) ------------------------------


def ask_from(client, email: str, ip: str, capture):
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def answer(response) -> tuple:
    """All a client learns from the answer to a reset request."""
    return response.status_code, response.get("Location"), response.content


def reset_refusals():
    return AuditEvent.objects.filter(action=AuditAction.DENIED, detail__reason=REFUSAL_REASON)


@pytest.fixture
def cache_clock(monkeypatch):
    """Move the cache's clock: the local-memory cache reads ``time.time`` in two modules."""
    clock = SimpleNamespace(now=time.time())
    fake = SimpleNamespace(time=lambda: clock.now)
    monkeypatch.setattr("django.core.cache.backends.base.time", fake)
    monkeypatch.setattr("django.core.cache.backends.locmem.time", fake)
    return clock


def test_a_fourth_request_for_one_email_in_an_hour_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    make_sam()
    for number, email in enumerate(
        ["sam.ortiz@example.com", "SAM.Ortiz@example.com ", "sam.ortiz@EXAMPLE.com"]
    ):
        ask_from(client, email, f"192.0.2.{number + 1}", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    ask_from(client, "sam.ortiz@example.com", "192.0.2.50", django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3


def test_a_sixth_request_from_one_address_in_an_hour_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    users = [make_user(f"t.reset{number}") for number in range(6)]
    for user in users[:5]:
        ask_from(client, user.email, HOME_IP, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    ask_from(client, users[5].email, HOME_IP, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 5
    ask_from(client, users[5].email, OTHER_IP, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].to == [users[5].email]


def test_over_the_limit_the_answer_is_the_same_as_for_any_request(
    client, django_capture_on_commit_callbacks
):
    make_sam()
    unknown = answer(
        ask_from(client, "nobody@example.com", OTHER_IP, django_capture_on_commit_callbacks)
    )
    allowed = answer(
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    )
    for _ in range(2):
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    refused = answer(
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    )
    assert len(mail.outbox) == 3
    assert refused == allowed == unknown
    assert refused[1] == reverse("password_reset_done")


def test_the_first_refusal_of_each_limit_is_audited(client, django_capture_on_commit_callbacks):
    make_sam()
    for _ in range(5):
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    assert reset_refusals().count() == 1
    event = reset_refusals().get()
    assert event.actor_id is None
    assert event.detail["limits"] == ["3 requests for one email address"]
    assert event.detail["email_asked_for"] == "sam.ortiz@example.com"
    assert event.detail["ip_address"] == HOME_IP
    ask_from(client, "someone@example.com", HOME_IP, django_capture_on_commit_callbacks)
    assert reset_refusals().count() == 2
    assert reset_refusals().latest("pk").detail["limits"] == ["5 requests from one address"]


def test_the_limits_lift_when_the_hour_is_over(
    client, django_capture_on_commit_callbacks, cache_clock
):
    make_sam()
    for _ in range(4):
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    cache_clock.now += 60 * 60
    ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 4


@override_settings(ACCOUNTS_RESET_EMAIL_LIMIT=1, ACCOUNTS_RESET_ADDRESS_LIMIT=2)
def test_the_limits_come_from_the_settings(client, django_capture_on_commit_callbacks):
    make_sam()
    for _ in range(2):
        ask_from(client, "sam.ortiz@example.com", HOME_IP, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
