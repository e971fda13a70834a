"""Sessions: what already held (equal answers for every failed login, a new session key at
login, POST-only logout, no open redirect, a sliding idle timeout) and what accounts/ adds
(idle timeout per kind of login, an absolute lifetime, the sessions page, every other
session ended when the password changes), at no extra query per request."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.forms import PASSWORD_MISSING, PASSWORD_WRONG
from accounts.middleware import SessionLifetimeMiddleware
from accounts.models import UserSession
from accounts.sessions import LOGIN_AT, SEEN_AT, describe_device
from audit.models import AuditAction, AuditEvent
from careteam.models import Discipline
from patientportal.services.logins import accept_invitation, invite_patient, revoke_patient_access
from tests.accounts_helpers import (
    CHROME_ON_WINDOWS,
    SAFARI_ON_IPHONE,
    SAM_PASSWORD,
    attempt,
    is_logged_in,
    make_sam,
)
from tests.careteam_domain_fixtures import make_provider
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Orchard-kettle-misty-58"
PROVIDER_PASSWORD = "x-test-pass-1"  # tests.careteam_domain_fixtures.make_user
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def sam(db):
    return make_sam()


def browser(user_agent: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent)


# What already held --------------------------------------------------------------------


def test_wrong_password_unknown_and_inactive_users_get_the_same_answer_and_work(
    client, sam, monkeypatch
):
    type(sam).objects.create_user("kim", password=SAM_PASSWORD, is_active=False)
    hashings = []
    original = MD5PasswordHasher.encode
    monkeypatch.setattr(
        MD5PasswordHasher, "encode", lambda self, *args: hashings.append(1) or original(self, *args)
    )
    answers = []
    for username, password in (
        ("sam", "wrong-one"),
        ("nobody", SAM_PASSWORD),
        ("kim", SAM_PASSWORD),
    ):
        hashings.clear()
        response = attempt(client, username, password)
        assert response.status_code == 200
        assert len(hashings) == 1, username  # one password hashing each: no timing difference
        answers.append(CSRF.sub(b"", response.content).replace(username.encode(), b"USER"))
    assert answers[0] == answers[1] == answers[2]


def test_logging_in_gives_the_browser_a_new_session_key(client, sam):
    session = client.session
    session["before"] = "login"
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    attempt(client, "sam", SAM_PASSWORD)
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != session.session_key
    assert not Session.objects.filter(session_key=session.session_key).exists()


def test_logging_out_takes_a_post(client, sam):
    client.force_login(sam)
    assert client.get(reverse("logout")).status_code == 405
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "http://testserver.evil.example/"]
)
def test_a_login_never_redirects_off_the_site(client, sam, target):
    response = client.post(
        reverse("login"), {"username": "sam", "password": SAM_PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("after-login")


def test_pages_may_not_be_framed(client):
    assert client.get(reverse("login"))["X-Frame-Options"] == "DENY"


# Idle timeout and absolute lifetime ----------------------------------------------------


def test_a_patient_session_ends_after_30_idle_minutes_and_slides(client, sam):
    attempt(client, "sam", SAM_PASSWORD)
    assert client.session.get_expiry_age() == 30 * 60
    session = client.session
    session[SEEN_AT] -= 120  # last noted two minutes ago
    session.save()
    response = client.get(reverse("sessions"))  # noted again: saved, the timeout slides
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60


def test_a_request_within_a_minute_of_the_last_saves_no_session(client, sam):
    attempt(client, "sam", SAM_PASSWORD)
    client.get(reverse("sessions"))
    expires = Session.objects.get().expire_date

    response = client.get(reverse("sessions"))

    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert Session.objects.get().expire_date == expires


def test_a_staff_session_ends_after_15_idle_minutes(client):
    make_provider("dr.idle", Discipline.PAIN_MANAGEMENT)
    attempt(client, "dr.idle", PROVIDER_PASSWORD)
    assert client.session.get_expiry_age() == 15 * 60
    session = client.session
    session[SEEN_AT] -= 120
    session.save()
    response = client.get(reverse("sessions"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 15 * 60


def test_an_idle_session_past_its_timeout_is_logged_out(client, sam):
    client.force_login(sam)
    Session.objects.update(expire_date="2000-01-01T00:00Z")
    assert client.get(reverse("sessions"))["Location"].startswith(reverse("login"))


def test_a_session_ends_12_hours_after_login_however_busy(client, sam):
    client.force_login(sam)
    session = client.session
    session[LOGIN_AT] -= 12 * 3600
    session.save()
    response = client.get(reverse("sessions"), follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert "logged out 12 hours after logging in" in response.content.decode()
    assert not is_logged_in(client)


def test_the_lifetime_check_costs_no_query(sam, django_assert_num_queries):
    factory = RequestFactory()
    middleware = SessionLifetimeMiddleware(lambda request: None)
    anonymous = factory.get("/")
    with django_assert_num_queries(0):
        middleware(anonymous)  # no session cookie: the session is not even looked at
    client = Client()
    client.force_login(sam)
    key = client.session.session_key
    signed_in = factory.get("/")
    signed_in.COOKIES[settings.SESSION_COOKIE_NAME] = key
    signed_in.session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    assert SESSION_KEY in signed_in.session  # the load Django makes for the user anyway
    with django_assert_num_queries(0):
        middleware(signed_in)


# The sessions page ---------------------------------------------------------------------


def two_browsers(sam) -> tuple[Client, Client]:
    laptop, phone = browser(CHROME_ON_WINDOWS), browser(SAFARI_ON_IPHONE)
    assert attempt(laptop, "sam", SAM_PASSWORD, ip="192.0.2.10").status_code == 302
    assert attempt(phone, "sam", SAM_PASSWORD, ip="192.0.2.20").status_code == 302
    return laptop, phone


def test_the_sessions_page_lists_each_device_and_marks_this_one(sam):
    laptop, phone = two_browsers(sam)
    html = laptop.get(reverse("sessions")).content.decode()
    assert_accessible_page(html)
    assert "Chrome on Windows" in html and "Mobile Safari on iOS (iPhone)" in html
    assert "192.0.2.10" in html and "192.0.2.20" in html
    assert html.count("This device") == 1
    assert html.index("Chrome on Windows") < html.index("This device") < html.index("Mobile Safari")


def test_the_sessions_page_asks_for_the_current_password_before_logging_anything_out(sam):
    laptop, phone = two_browsers(sam)
    html = laptop.get(reverse("sessions")).content.decode()
    field = re.search(r'<input type="password"[^>]*>', html)
    assert field is not None
    assert 'name="password"' in field[0] and 'autocomplete="current-password"' in field[0]
    assert '<label for="id_password">Your password</label>' in html
    end_one = re.search(r'<button type="submit" form="end-sessions" formaction="([^"]+)"', html)
    assert end_one is not None and end_one[1] == reverse("session-end", args=[phone_row(laptop).pk])


def phone_row(laptop: Client) -> UserSession:
    return UserSession.objects.exclude(session_id=laptop.session.session_key).get()


def test_the_right_password_ends_the_other_sessions_and_is_audited(sam):
    laptop, phone = two_browsers(sam)
    assert laptop.get(reverse("sessions-end-others")).status_code == 405
    response = laptop.post(reverse("sessions-end-others"), {"password": SAM_PASSWORD})
    assert response["Location"] == reverse("sessions")
    assert is_logged_in(laptop) and not is_logged_in(phone)
    event = AuditEvent.objects.get(action=AuditAction.REVOKED)
    assert event.actor == sam and event.detail["sessions"] == 1


def end_others(laptop: Client) -> str:
    return reverse("sessions-end-others")


def end_the_phone(laptop: Client) -> str:
    return reverse("session-end", args=[phone_row(laptop).pk])


@pytest.mark.parametrize(
    ("ending", "action"),
    [(end_others, "end other sessions"), (end_the_phone, "end one session")],
)
@pytest.mark.parametrize(
    ("body", "reason", "error"),
    [
        ({}, "no password entered", PASSWORD_MISSING),
        ({"password": ""}, "no password entered", PASSWORD_MISSING),
        ({"password": "not-the-password"}, "wrong password", PASSWORD_WRONG),
        ({"password": SAM_PASSWORD.lower()}, "wrong password", PASSWORD_WRONG),
    ],
)
def test_a_wrong_or_missing_password_ends_no_session_answers_400_and_is_audited(
    sam, ending, action, body, reason, error
):
    laptop, phone = two_browsers(sam)
    response = laptop.post(ending(laptop), body)
    assert response.status_code == 400
    html = response.content.decode()
    assert_accessible_page(html)
    assert f'<ul class="errorlist" id="id_password_error"><li>{error}</li></ul>' in html
    assert 'aria-invalid="true" aria-describedby="id_password_helptext id_password_error"' in html
    assert "Nothing was logged out." in html and "Mobile Safari" in html
    assert is_logged_in(laptop) and is_logged_in(phone)
    assert not AuditEvent.objects.filter(action=AuditAction.REVOKED).exists()
    event = AuditEvent.objects.get(action=AuditAction.DENIED)
    assert event.actor == sam
    assert event.detail["action"] == action and event.detail["reason"] == reason


def test_wrong_passwords_here_are_not_failed_logins_and_do_not_lock_the_account(sam):
    laptop, phone = two_browsers(sam)
    for _ in range(settings.ACCOUNTS_CONFIRM_FAILURE_LIMIT - 1):
        response = laptop.post(reverse("sessions-end-others"), {"password": "not-the-password"})
        assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()
    assert attempt(browser(CHROME_ON_WINDOWS), "sam", SAM_PASSWORD).status_code == 302


def test_too_many_wrong_passwords_here_end_the_guessing_session_but_no_other(sam):
    laptop, phone = two_browsers(sam)
    limit = settings.ACCOUNTS_CONFIRM_FAILURE_LIMIT
    answers = [
        laptop.post(reverse("sessions-end-others"), {"password": f"guess-{n}"}).status_code
        for n in range(limit)
    ]
    assert answers == [400] * (limit - 1) + [302]
    assert not is_logged_in(laptop)
    assert is_logged_in(phone)
    last = AuditEvent.objects.filter(action=AuditAction.DENIED).order_by("-pk").first()
    assert last.detail["session_ended"] is True


def test_one_other_session_can_be_ended_with_the_password_but_nobody_elses(sam):
    laptop, phone = two_browsers(sam)
    phone_session = phone_row(laptop)
    stranger = make_provider("dr.stranger", Discipline.PHYSICAL_THERAPY)
    outsider = Client()
    outsider.force_login(stranger)
    response = outsider.post(
        reverse("session-end", args=[phone_session.pk]), {"password": PROVIDER_PASSWORD}
    )
    assert response.status_code == 404
    assert is_logged_in(phone)
    own_row = UserSession.objects.get(session_id=laptop.session.session_key)
    end_own = laptop.post(reverse("session-end", args=[own_row.pk]), {"password": SAM_PASSWORD})
    assert end_own.status_code == 404
    end_phone = reverse("session-end", args=[phone_session.pk])
    assert laptop.post(end_phone).status_code == 400
    assert is_logged_in(phone)
    assert laptop.post(end_phone, {"password": SAM_PASSWORD}).status_code == 302
    assert not is_logged_in(phone) and is_logged_in(laptop)


def test_last_activity_is_noted_at_most_once_a_minute(client, sam):
    client.force_login(sam)
    session = client.session
    session[SEEN_AT] -= 120
    session.save()
    client.get(reverse("sessions"))
    assert client.session[SEEN_AT] > session[SEEN_AT] + 60


def test_device_names_come_from_the_user_agent():
    assert describe_device(CHROME_ON_WINDOWS) == "Chrome on Windows"
    assert describe_device("") == "Unknown browser"


# Password changes end the other sessions ------------------------------------------------


def test_changing_the_password_keeps_this_session_and_ends_the_others(sam):
    laptop, phone = two_browsers(sam)
    response = laptop.post(
        reverse("password_change"),
        {
            "old_password": SAM_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response["Location"] == reverse("password_change_done")
    assert is_logged_in(laptop) and not is_logged_in(phone)
    html = laptop.get(reverse("sessions")).content.decode()
    assert "This device" in html and "Mobile Safari" not in html
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGED, detail__access="password changed"
    ).exists()


def test_djangos_session_hash_check_logs_out_a_session_once_the_password_changes(sam):
    laptop, phone = two_browsers(sam)
    sam.set_password(NEW_PASSWORD)
    sam.save()
    assert phone.get(reverse("sessions"))["Location"].startswith(reverse("login"))
    assert laptop.get(reverse("sessions"))["Location"].startswith(reverse("login"))


def test_a_password_set_through_the_welcome_link_leaves_no_old_session_alive(portal_world):
    patient_user = portal_world.patient_user
    old = Client()
    old.force_login(patient_user)
    revoke_patient_access(portal_world.plan, portal_world.lead)
    invitation = invite_patient(portal_world.plan, portal_world.lead)
    accept_invitation(invitation, NEW_PASSWORD)
    assert old.get(reverse("patientportal:plan"))["Location"].startswith(reverse("login"))
    fresh = Client()
    assert attempt(fresh, patient_user.username, NEW_PASSWORD).status_code == 302
    html = fresh.get(reverse("sessions")).content.decode()
    assert html.count("<tr>") == 2  # the header row and this session
