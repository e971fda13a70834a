"""Repeated wrong passwords lock logins (django-axes, accounts/lockout.py): per account, per
address, for a cool-off that grows and always ends, audited, the same for unknown usernames,
on every login form of the site."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.lockout import growing_window
from accounts.models import LoginLockout
from audit.models import AuditAction, AuditEvent
from tests.accounts_helpers import (
    HOME_IP,
    OTHER_IP,
    SAM_PASSWORD,
    Clock,
    attempt,
    fail,
    is_logged_in,
    make_sam,
)
from tests.careteam_domain_fixtures import make_user

pytestmark = pytest.mark.django_db

LIMIT = 5  # AXES_FAILURE_LIMIT in base settings


@pytest.fixture
def sam(db):
    return make_sam()


@pytest.fixture
def clock(monkeypatch):
    return Clock.install(monkeypatch)


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, sam):
    assert fail(client, "sam", LIMIT - 1) == [200] * (LIMIT - 1)
    assert fail(client, "sam", 1) == [429]
    response = attempt(client, "sam", SAM_PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, sam):
    fail(client, "sam", LIMIT - 1)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_an_account_is_locked_whichever_addresses_the_failures_came_from(client, sam):
    for number in range(LIMIT):
        attempt(client, "sam", "wrong", ip=f"192.0.2.{number + 1}")
    assert attempt(client, "sam", SAM_PASSWORD, ip=OTHER_IP).status_code == 429


@override_settings(ACCOUNTS_ADDRESS_FAILURE_LIMIT=8)
def test_an_address_is_locked_after_failures_across_many_usernames(client, sam):
    statuses = [attempt(client, f"guess{number}", "wrong").status_code for number in range(8)]
    assert statuses == [200] * 7 + [429]
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429
    # The account itself is not locked: from elsewhere sam logs in.
    assert attempt(client, "sam", SAM_PASSWORD, ip=OTHER_IP).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, sam, clock):
    fail(client, "sam", LIMIT)
    clock.advance(minutes=4, seconds=59)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429
    clock.advance(seconds=2)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302


def test_tries_during_a_lockout_do_not_stretch_it(client, sam, clock):
    fail(client, "sam", LIMIT)
    for _ in range(4):
        clock.advance(minutes=1)
        assert fail(client, "sam", 3) == [429, 429, 429]
    clock.advance(minutes=1, seconds=1)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302


def test_each_lockout_the_same_day_lasts_twice_as_long_as_the_one_before(client, sam, clock):
    fail(client, "sam", LIMIT)  # first: 5 minutes
    clock.advance(minutes=5, seconds=1)
    assert fail(client, "sam", LIMIT) == [200] * (LIMIT - 1) + [429]  # a fresh count
    clock.advance(minutes=5, seconds=1)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429  # second: 10 minutes
    clock.advance(minutes=5)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302


def test_the_cool_off_doubles_up_to_the_cap_and_forgets_after_a_day(client, sam, clock):
    minutes = [growing_window(count).total_seconds() / 60 for count in range(0, 8)]
    assert minutes == [5, 5, 10, 20, 40, 60, 60, 60]
    fail(client, "sam", LIMIT)
    clock.advance(hours=24, minutes=1)
    fail(client, "sam", LIMIT)
    clock.advance(minutes=5, seconds=1)  # the first lockout no longer counts: 5 minutes again
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302


def test_a_lockout_is_audited_once_with_the_username_tried_and_the_address(client, sam):
    fail(client, "sam", LIMIT + 3, ip=OTHER_IP)
    events = AuditEvent.objects.filter(action=AuditAction.DENIED)
    assert events.count() == 1
    event = events.get()
    assert event.actor is None
    assert event.ip_address == OTHER_IP
    assert event.path == reverse("login")
    assert event.detail["username_tried"] == "sam"
    assert event.detail["reason"] == "login locked out after repeated failures"
    assert event.detail["locked_until"]
    assert LoginLockout.objects.filter(username="sam", ip_address=OTHER_IP).count() == 1


def test_an_unknown_username_gets_the_same_lockout_answer(client, sam, clock):
    fail(client, "sam", LIMIT, ip=HOME_IP)
    fail(client, "nobody-here", LIMIT, ip=OTHER_IP)
    known = attempt(client, "sam", SAM_PASSWORD, ip=HOME_IP)
    unknown = attempt(client, "nobody-here", SAM_PASSWORD, ip=OTHER_IP)
    assert known.status_code == unknown.status_code == 429
    assert known.content == unknown.content
    assert known["Retry-After"] == unknown["Retry-After"]


def test_a_username_longer_than_any_account_is_counted_cut_to_length_and_locks(client, sam):
    # Longer than axes' and the lockout table's columns: a 500 on PostgreSQL before.
    longest = "x" * 1000
    assert fail(client, longest, LIMIT) == [200] * (LIMIT - 1) + [429]
    assert attempt(client, longest, SAM_PASSWORD).status_code == 429
    assert LoginLockout.objects.get().username == "x" * 150


def test_the_lockout_page_says_when_to_retry_and_whom_to_call(client, sam, clock):
    fail(client, "sam", LIMIT)
    clock.advance(minutes=2)
    response = attempt(client, "sam", SAM_PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) == 3 * 60
    assert "<h1>Logging in is paused</h1>" in html
    assert "in about 3 minutes" in html
    assert "0161 496 0000" in html
    assert response["Cache-Control"] == "no-store, private"
    assert not re.search(r"\bsam\b", html)  # the page never repeats the username tried


def test_an_administrator_unlocks_an_account_with_axes_reset_username(client, sam):
    fail(client, "sam", LIMIT)
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429
    call_command("axes_reset_username", "sam", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302


def test_wagtails_login_page_sends_to_the_sites_keeping_where_to_go_next(client):
    response = client.get("/cms/login/?next=/cms/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/cms/pages/"


def test_the_wagtail_admin_asks_anonymous_visitors_to_log_in_on_the_sites_page(client):
    response = client.get("/cms/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cms/")


def test_wagtails_private_page_login_is_counted_and_locked_too(client, sam):
    url = reverse("wagtailcore_login")
    statuses = [
        client.post(url, {"username": "sam", "password": "wrong"}, REMOTE_ADDR=HOME_IP).status_code
        for _ in range(LIMIT)
    ]
    assert statuses == [200] * (LIMIT - 1) + [429]
    assert attempt(client, "sam", SAM_PASSWORD, ip=OTHER_IP).status_code == 429


def test_wagtails_own_password_reset_is_off(client):
    assert client.get("/cms/password_reset/").status_code == 404


def test_an_editor_logs_in_to_the_wagtail_admin_through_the_sites_page(client):
    editor = make_user("ed.admin")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    response = client.post(
        reverse("login"), {"username": "ed.admin", "password": "x-test-pass-1", "next": "/cms/"}
    )
    assert response["Location"] == "/cms/"
    assert client.get("/cms/").status_code == 200
