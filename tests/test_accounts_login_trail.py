"""Every login, refused password and logout is in the audit trail (accounts/login_trail.py):
on the site's login page (which the Wagtail admin uses) and Wagtail's private-page login,
with the address; a refused one with the username tried, cut to length, never the password,
and the user it names as actor; tries refused during a lockout are not written one by one."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.login_trail import REFUSED
from accounts.sessions import LOGIN_AT
from audit.models import AuditAction, AuditEvent
from tests.accounts_helpers import (
    HOME_IP,
    OTHER_IP,
    SAM_PASSWORD,
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


def events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("pk")


def audit_inserts(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith("INSERT") and "audit_auditevent" in query["sql"]
    )


def test_a_login_on_the_sites_page_is_audited_with_the_user_and_the_address(client, sam):
    assert attempt(client, "sam", SAM_PASSWORD, ip=OTHER_IP).status_code == 302
    event = events(AuditAction.LOGGED_IN).get()
    assert event.actor == sam
    assert event.actor_username == "sam"
    assert event.ip_address == OTHER_IP
    assert event.path == reverse("login")


def test_an_editor_logging_in_for_the_wagtail_admin_is_audited(client):
    editor = make_user("ed.trail")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    login_page = client.get("/cms/login/?next=/cms/")["Location"]
    response = client.post(
        login_page,
        {"username": "ed.trail", "password": "x-test-pass-1", "next": "/cms/"},
        REMOTE_ADDR=HOME_IP,
    )
    assert response["Location"] == "/cms/"
    event = events(AuditAction.LOGGED_IN).get()
    assert (event.actor, event.ip_address) == (editor, HOME_IP)


def test_wagtails_private_page_login_is_audited_both_ways(client, sam):
    url = reverse("wagtailcore_login")
    client.post(url, {"username": "sam", "password": "wrong"}, REMOTE_ADDR=HOME_IP)
    client.post(url, {"username": "sam", "password": SAM_PASSWORD}, REMOTE_ADDR=HOME_IP)
    assert is_logged_in(client)
    failed = events(AuditAction.LOGIN_FAILED).get()
    logged_in = events(AuditAction.LOGGED_IN).get()
    assert failed.path == logged_in.path == url
    assert failed.actor == logged_in.actor == sam


def test_a_wrong_password_is_audited_with_the_user_it_names_and_never_the_password(client, sam):
    secret = "Not-my-password-but-close-94"
    attempt(client, "sam", secret, ip=OTHER_IP)
    event = events(AuditAction.LOGIN_FAILED).get()
    assert event.actor == sam
    assert event.ip_address == OTHER_IP
    assert event.path == reverse("login")
    assert event.detail == {"reason": REFUSED, "username_tried": "sam"}
    stored = AuditEvent.objects.filter(pk=event.pk).values().get()
    assert not any(secret in str(value) for value in stored.values())
    assert not is_logged_in(client)


def test_an_unknown_username_is_audited_without_an_actor(client, sam):
    attempt(client, "SAM", SAM_PASSWORD)  # usernames are exact: "SAM" names nobody
    attempt(client, "nobody-here", "whatever")
    failures = list(events(AuditAction.LOGIN_FAILED))
    assert [event.actor for event in failures] == [None, None]
    assert [event.detail["username_tried"] for event in failures] == ["SAM", "nobody-here"]
    assert not events(AuditAction.LOGGED_IN).exists()


def test_a_switched_off_login_refused_is_audited_as_its_user(client, sam):
    get_user_model().objects.filter(pk=sam.pk).update(is_active=False)
    attempt(client, "sam", SAM_PASSWORD)
    assert events(AuditAction.LOGIN_FAILED).get().actor == sam


def test_a_username_longer_than_any_account_is_recorded_cut_to_length_and_names_nobody(client):
    # Its first 150 characters are a real username; the 1000 typed are not.
    get_user_model().objects.create_user("x" * 150, password=SAM_PASSWORD)
    assert attempt(client, "x" * 1000, SAM_PASSWORD).status_code == 200
    event = events(AuditAction.LOGIN_FAILED).get()
    assert event.actor is None
    assert event.detail["username_tried"] == "x" * 150


def test_tries_during_a_lockout_are_not_written_one_by_one_and_the_lockout_once(client, sam):
    assert fail(client, "sam", LIMIT + 3) == [200] * (LIMIT - 1) + [429] * 4
    assert events(AuditAction.LOGIN_FAILED).count() == LIMIT
    assert events(AuditAction.DENIED).count() == 1
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 429
    assert events(AuditAction.LOGIN_FAILED).count() == LIMIT
    assert not events(AuditAction.LOGGED_IN).exists()


def test_a_login_and_a_refusal_each_write_one_audit_row(client, sam):
    with CaptureQueriesContext(connection) as failing:
        attempt(client, "sam", "wrong")
    with CaptureQueriesContext(connection) as succeeding:
        attempt(client, "sam", SAM_PASSWORD)
    assert audit_inserts(failing) == audit_inserts(succeeding) == 1


def test_a_logout_is_audited_and_an_anonymous_one_writes_nothing(client, sam):
    client.post(reverse("logout"), REMOTE_ADDR=HOME_IP)
    assert not events(AuditAction.LOGGED_OUT).exists()
    attempt(client, "sam", SAM_PASSWORD)
    client.post(reverse("logout"), REMOTE_ADDR=HOME_IP)
    event = events(AuditAction.LOGGED_OUT).get()
    assert (event.actor, event.ip_address, event.path) == (sam, HOME_IP, reverse("logout"))


def test_a_session_ended_at_its_lifetime_is_audited_as_a_logout(client, sam, settings):
    attempt(client, "sam", SAM_PASSWORD)
    session = client.session
    session[LOGIN_AT] -= settings.ACCOUNTS_SESSION_MAX_HOURS * 3600
    session.save()
    client.get(reverse("account"), REMOTE_ADDR=OTHER_IP)
    assert not is_logged_in(client)
    event = events(AuditAction.LOGGED_OUT).get()
    assert (event.actor, event.ip_address, event.path) == (sam, OTHER_IP, reverse("account"))
