"""API tokens: made on the account page after the password is confirmed (and shown once),
or from the command line; stored only as a digest; named in the audit trail of every call
they make; revoked or expired, they open nothing; too many calls get 429 and Retry-After."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.tokens import authenticate_token, create_token, revoke_token
from audit.models import AuditAction, AuditEvent
from tests.api_fixtures import ApiClient, token_client
from tests.mfa_fixtures import recently_authenticated
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_only_as_its_digest_and_works_until_it_is_revoked(care_team):
    made = create_token(care_team.lead, name="Hospital EHR", days=30)

    stored = ApiToken.objects.get()
    assert made.secret.startswith("cpt_") and len(made.secret) > 40
    assert stored.digest == hashlib.sha256(made.secret.encode()).hexdigest()
    assert made.secret not in str(ApiToken.objects.values().get())
    assert authenticate_token(made.secret) == stored

    assert revoke_token(stored, care_team.lead) is True
    assert authenticate_token(made.secret) is None
    assert revoke_token(stored, care_team.lead) is False


def test_an_expired_token_or_a_deactivated_user_opens_nothing(care_team):
    made = create_token(care_team.lead, name="Short", days=1)
    api = ApiClient(HTTP_AUTHORIZATION=f"Bearer {made.secret}")
    assert api.get("/api/v1/plans/").status_code == 200

    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused = api.get("/api/v1/plans/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"
    assert refused["WWW-Authenticate"].startswith("Bearer")

    ApiToken.objects.update(expires_at=timezone.now() + datetime.timedelta(days=1))
    care_team.lead.is_active = False
    care_team.lead.save()
    assert api.get("/api/v1/plans/").status_code == 401


def test_a_made_up_or_mangled_token_gets_401_without_data(care_team):
    made = create_token(care_team.lead, name="Real", days=1)
    for header in (
        "Bearer cpt_made-up",
        f"Bearer {made.secret}x",
        f"Token {made.secret}",
        "Bearer",
    ):
        response = ApiClient(HTTP_AUTHORIZATION=header).get("/api/v1/plans/")
        assert response.status_code == 401, header
        assert care_team.plan.title not in response.content.decode()


def test_every_call_is_audited_with_the_tokens_name(care_team):
    api = token_client(care_team.lead, name="Hospital EHR")

    api.get(f"/api/v1/plans/{care_team.plan.pk}")

    read = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert read.care_plan_id == care_team.plan.pk and read.actor == care_team.lead
    assert read.detail["via"] == "API token “Hospital EHR”"


def test_switching_a_login_off_revokes_its_tokens_and_switching_it_on_brings_none_back(
    care_team,
):
    made = create_token(care_team.lead, name="Before", days=30)
    care_team.lead.is_active = False
    care_team.lead.save()
    care_team.lead.is_active = True
    care_team.lead.save()

    response = ApiClient(HTTP_AUTHORIZATION=f"Bearer {made.secret}").get("/api/v1/plans/")

    assert response.status_code == 401
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.REVOKED, detail__reason="login switched off"
    ).exists()


def test_a_new_password_revokes_every_token(care_team):
    made = create_token(care_team.lead, name="Before", days=30)
    care_team.lead.set_password("a-new-password-for-2027!")
    care_team.lead.save()
    assert authenticate_token(made.secret) is None


def test_a_revoked_token_still_in_use_is_on_its_owners_trail(care_team):
    made = create_token(care_team.lead, name="Leaked", days=30)
    revoke_token(made.token, care_team.lead)

    ApiClient(HTTP_AUTHORIZATION=f"Bearer {made.secret}").get("/api/v1/plans/")

    refusal = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("pk")
    assert refusal.actor == care_team.lead
    assert refusal.detail["reason"] == "token revoked or expired"


def test_an_anonymous_404_under_the_api_leaves_no_audit_event(client):
    before = AuditEvent.objects.count()
    assert client.get("/api/v1/no-such-thing/").status_code == 404
    assert client.get("/fhir/NoSuchType/1").status_code in (401, 404)
    assert AuditEvent.objects.count() == before


def test_only_a_tokens_owner_may_revoke_it(care_team):
    made = create_token(care_team.lead, name="Mine", days=1)
    with pytest.raises(PermissionError):
        revoke_token(made.token, care_team.physio)
    assert authenticate_token(made.secret) is not None


def test_a_name_is_needed_a_name_in_use_is_refused_and_the_days_are_bounded(care_team, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    create_token(care_team.lead, name="EHR", days=30)
    for name, days in (("  ", 10), ("EHR", 10), ("Other", 31), ("Other", 0)):
        with pytest.raises(Exception) as error:
            create_token(care_team.lead, name=name, days=days)
        assert error.type.__name__ == "ValidationError", (name, days)
    assert ApiToken.objects.count() == 1


def test_the_last_use_is_written_at_most_once_a_minute(care_team, django_assert_num_queries):
    made = create_token(care_team.lead, name="Busy", days=1)
    authenticate_token(made.secret)
    first = ApiToken.objects.get().last_used_at
    with django_assert_num_queries(1):  # the lookup only: no write within the minute
        authenticate_token(made.secret)
    assert ApiToken.objects.get().last_used_at == first


def test_too_many_calls_from_one_token_get_429_with_retry_after(care_team, settings):
    settings.API_TOKEN_RATE = "3/m"
    api = token_client(care_team.lead)
    statuses = [api.get("/api/v1/plans/").status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    limited = api.get("/api/v1/plans/")
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()["status"] == 429
    # Per user: another token of theirs buys no more calls; another user is not held up.
    assert token_client(care_team.lead, name="Another").get("/api/v1/plans/").status_code == 429
    assert token_client(care_team.physio).get("/api/v1/plans/").status_code == 200


# --- The account page ---------------------------------------------------------------------


def test_the_token_page_asks_for_the_password_again_before_it_opens(care_team):
    client = Client()
    client.force_login(care_team.lead)

    response = client.get("/accounts/api-tokens/")

    assert response.status_code == 302 and "/accounts/confirm/" in response["Location"]
    refused = client.post("/accounts/api-tokens/", {"name": "EHR", "days": 30})
    assert refused.status_code == 302 and not ApiToken.objects.exists()


def test_a_token_made_on_the_account_page_is_shown_once_and_listed_by_name(care_team):
    client = recently_authenticated(Client())
    client.force_login(care_team.lead)
    client = recently_authenticated(client)

    made = client.post("/accounts/api-tokens/", {"name": "My health app", "days": 30})

    assert made.status_code == 201
    assert_accessible_page(made.content.decode())
    secret = made.context["secret"]
    assert secret.startswith("cpt_") and secret in made.content.decode()
    assert "no-store" in made["Cache-Control"]
    again = client.get("/accounts/api-tokens/").content.decode()
    assert secret not in again and "My health app" in again
    assert ApiClient(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/plans/").status_code == 200


def test_bad_input_on_the_account_page_gets_400_and_says_why(care_team):
    client = Client()
    client.force_login(care_team.lead)
    client = recently_authenticated(client)

    response = client.post("/accounts/api-tokens/", {"name": "", "days": 9999})

    assert response.status_code == 400
    assert_accessible_page(response.content.decode())
    assert not ApiToken.objects.exists()
    assert "The token was not made" in response.content.decode()


def test_revoking_from_the_account_page_stops_the_token_and_others_cannot_revoke_it(care_team):
    made = create_token(care_team.lead, name="Old app", days=30)
    stranger = Client()
    stranger.force_login(care_team.physio)
    assert stranger.post(f"/accounts/api-tokens/{made.token.pk}/revoke/").status_code == 404
    assert authenticate_token(made.secret) is not None

    owner = Client()
    owner.force_login(care_team.lead)
    assert owner.post(f"/accounts/api-tokens/{made.token.pk}/revoke/").status_code == 302

    assert authenticate_token(made.secret) is None
    assert AuditEvent.objects.filter(action=AuditAction.REVOKED, actor=care_team.lead).exists()


# --- The command line ---------------------------------------------------------------------


def test_the_command_prints_a_working_token_once_and_lists_and_revokes_it(care_team):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_token",
        "create",
        care_team.lead.username,
        "--name",
        "EHR",
        "--days",
        "7",
        stdout=out,
        stderr=err,
    )
    secret = out.getvalue().strip()
    assert authenticate_token(secret) is not None and "not shown again" in err.getvalue()
    assert (
        ApiToken.objects.get().expires_at.date()
        == (timezone.now() + datetime.timedelta(days=7)).date()
    )

    listing = io.StringIO()
    call_command("api_token", "list", care_team.lead.username, stdout=listing)
    assert "EHR" in listing.getvalue() and secret not in listing.getvalue()

    call_command(
        "api_token", "revoke", care_team.lead.username, "--name", "EHR", stdout=io.StringIO()
    )
    assert authenticate_token(secret) is None
    by_command = AuditEvent.objects.filter(detail__via="manage.py api_token").order_by("pk")
    assert [event.action for event in by_command] == [AuditAction.CREATED, AuditAction.REVOKED]


def test_the_command_refuses_an_unknown_user_or_a_missing_name_clearly(care_team):
    with pytest.raises(CommandError, match="No active user"):
        call_command("api_token", "create", "nobody", "--name", "x", stdout=io.StringIO())
    with pytest.raises(CommandError, match="name"):
        call_command("api_token", "create", care_team.lead.username, stdout=io.StringIO())


# --- The browser session ------------------------------------------------------------------


def test_a_logged_in_session_reads_the_api_but_a_change_needs_the_csrf_token(portal_world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(portal_world.lead)
    url = f"/api/v1/plans/{portal_world.plan.pk}/notes"

    assert browser.get(url).status_code == 200
    forged = browser.post(url, data={"body": "Forged"}, content_type="application/json")

    assert forged.status_code == 403
    assert "Forged" not in str(list(portal_world.plan.team_notes.values_list("body", flat=True)))
