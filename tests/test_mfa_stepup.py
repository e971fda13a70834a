"""Step-up: handing over the lead and switching off a patient's portal access ask for the
password (and a code, with a second factor) again unless given in the last STEP_UP_MAX_AGE
seconds. A POST is never replayed: the user goes back to the page with the form."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from accounts.login_trail import REFUSED
from audit.models import AuditAction, AuditEvent
from careteam.models import CareTeamMembership, TeamRole
from mfa.devices import recovery_codes_left
from tests.mfa_fixtures import (
    TEST_PASSWORD,
    app_code,
    enrol,
    recently_authenticated,
    verified_client,
)

pytestmark = pytest.mark.django_db
CONFIRM_URL = reverse("mfa:confirm")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def confirm_url(next_url: str) -> str:
    return f"{CONFIRM_URL}?next={quote(next_url, safe='')}"


def hand_over_url(plan) -> str:
    return reverse("careteam:lead-hand-over", args=[plan.pk])


def hand_over_data(team) -> dict:
    return {"who": team.spare_physician.username, "former_lead_role": "contributor"}


def lead_of(plan):
    return CareTeamMembership.objects.active().get(plan=plan, role=TeamRole.LEAD).user


def test_handing_over_the_lead_asks_for_the_password_first(care_team):
    url = hand_over_url(care_team.plan)
    lead = client_for(care_team.lead)
    assert lead.get(url)["Location"] == confirm_url(url)
    response = lead.post(url, hand_over_data(care_team))
    assert response["Location"] == confirm_url(url)
    assert lead_of(care_team.plan) == care_team.lead  # nothing was done

    page = lead.get(response["Location"])
    html = page.content.decode()
    assert "Nothing was changed yet" in html
    assert 'autocomplete="current-password"' in html
    assert 'name="code"' not in html  # no second factor: the password alone

    confirmed = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "next": url})
    assert confirmed["Location"] == url
    assert lead.get(url).status_code == 200  # the form, shown again
    assert lead.post(url, hand_over_data(care_team)).status_code == 302
    assert lead_of(care_team.plan) == care_team.spare_physician


def test_a_wrong_password_is_refused_and_audited_once_as_a_failed_login(care_team):
    url = hand_over_url(care_team.plan)
    lead = client_for(care_team.lead)
    response = lead.post(CONFIRM_URL, {"password": "not-my-password", "next": url})
    assert response.status_code == 400
    assert "That password is not right." in response.content.decode()
    event = AuditEvent.objects.get(actor=care_team.lead, action=AuditAction.LOGIN_FAILED)
    assert event.path == CONFIRM_URL
    assert event.detail == {"reason": REFUSED, "username_tried": "t.lead"}
    assert not AuditEvent.objects.filter(action__in=[AuditAction.DENIED, AuditAction.VERIFIED])
    assert lead.get(url)["Location"] == confirm_url(url)
    assert lead.post(CONFIRM_URL, {}).status_code == 400


def test_with_a_second_factor_the_code_is_asked_too(care_team):
    device, codes = enrol(care_team.lead)
    lead = verified_client(care_team.lead, device)
    url = hand_over_url(care_team.plan)
    html = lead.get(confirm_url(url)).content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "next": url}).status_code == 400
    wrong = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "code": "000000", "next": url})
    assert wrong.status_code == 400
    assert lead.get(url)["Location"] == confirm_url(url)
    # The right password with a recovery code (the app's code is slowed down by now).
    ok = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "recovery_code": codes[0]})
    assert ok.status_code == 302
    assert lead.get(url).status_code == 200


def test_a_wrong_password_does_not_use_up_a_recovery_code(care_team):
    device, codes = enrol(care_team.lead)
    lead = verified_client(care_team.lead, device)
    wrong = lead.post(CONFIRM_URL, {"password": "wrong", "recovery_code": codes[0]})
    assert wrong.status_code == 400
    assert recovery_codes_left(care_team.lead) == 10
    ok = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "recovery_code": codes[0]})
    assert ok.status_code == 302
    assert recovery_codes_left(care_team.lead) == 9


def test_the_app_code_passes_the_step_up_too(care_team):
    device, _ = enrol(care_team.lead)
    lead = verified_client(care_team.lead, device)
    code = app_code(device, steps_ahead=1)
    assert lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "code": code}).status_code == 302


@override_settings(STEP_UP_MAX_AGE=300)
def test_the_confirmation_expires_after_step_up_max_age(care_team):
    url = hand_over_url(care_team.plan)
    fresh = recently_authenticated(client_for(care_team.lead), seconds_ago=299)
    assert fresh.get(url).status_code == 200
    stale = recently_authenticated(client_for(care_team.lead), seconds_ago=301)
    assert stale.get(url)["Location"] == confirm_url(url)


def test_who_may_not_hand_over_is_refused_without_being_asked_to_confirm(care_team):
    url = hand_over_url(care_team.plan)
    assert client_for(care_team.physio).post(url, hand_over_data(care_team)).status_code == 403
    assert client_for(care_team.outsider).get(url).status_code == 404


def test_switching_off_portal_access_asks_first_and_comes_back_to_its_confirmation_page(
    portal_world,
):
    plan = portal_world.plan
    url = reverse("patientportal_team:revoke", args=[plan.pk])
    plan_page = reverse("careteam:plan-detail", args=[plan.pk])
    lead = client_for(portal_world.lead)
    assert lead.get(url)["Location"] == confirm_url(url)
    response = lead.post(url, {"confirm": "yes"})
    assert response["Location"] == confirm_url(url)
    portal_world.patient_user.refresh_from_db()
    assert portal_world.patient_user.is_active

    confirmed = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "next": url})
    assert confirmed["Location"] == url
    assert "You will not be asked again" in lead.get(url).content.decode()
    assert lead.post(url, {"confirm": "yes"})["Location"] == plan_page
    portal_world.patient_user.refresh_from_db()
    assert not portal_world.patient_user.is_active
    assert not portal_world.patient_user.has_usable_password()


def test_switching_off_access_is_refused_at_once_for_who_may_not(portal_world):
    url = reverse("patientportal_team:revoke", args=[portal_world.plan.pk])
    assert client_for(portal_world.team.physio).post(url, {"confirm": "yes"}).status_code == 403
    assert client_for(portal_world.team.physio).get(url).status_code == 403
    assert client_for(portal_world.team.outsider).post(url).status_code == 404


def test_a_script_gets_json_instead_of_the_confirm_page(care_team):
    url = hand_over_url(care_team.plan)
    response = client_for(care_team.lead).get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["location"] == confirm_url(url)


def test_confirm_never_sends_the_user_to_another_site(care_team):
    lead = client_for(care_team.lead)
    response = lead.post(CONFIRM_URL, {"password": TEST_PASSWORD, "next": "//evil.example/care/"})
    assert response["Location"] == "/accounts/after-login/"
