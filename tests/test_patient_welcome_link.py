"""The invitation's one-time link keeps its token out of URLs: the first visit puts the token
in the session and redirects to /my/welcome/<uidb64>/set-password/, so the audit trail,
browser history and Referer headers never see it (as Django's PasswordResetConfirmView)."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from careteam.models import Patient
from patientportal.services.logins import invite_patient
from patientportal.views.welcome import SESSION_TOKEN_KEY
from tests.patient_fixtures import activate_plan

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-long-new-pass-4821"
PASSWORDS = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
LINK = re.compile(r"http://testserver(/my/welcome/(?P<uidb64>[^/\s]+)/(?P<token>[^/\s]+)/)")


@pytest.fixture
def invitation_link(care_team, django_capture_on_commit_callbacks) -> re.Match:
    """The link emailed to the patient of an active plan, split into uidb64 and token."""
    plan = activate_plan(care_team.plan)
    Patient.objects.filter(pk=plan.patient_id).update(email="pat@example.com")
    plan.patient.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite_patient(plan, care_team.lead)
    return LINK.search(mail.outbox[-1].body)


def set_password_url(link: re.Match) -> str:
    return f"/my/welcome/{link['uidb64']}/set-password/"


def test_the_link_redirects_to_a_url_without_the_token(client: Client, invitation_link):
    response = client.get(invitation_link[1])
    assert response.status_code == 302
    assert response["Location"] == set_password_url(invitation_link)
    assert invitation_link["token"] not in response["Location"]
    assert client.session[SESSION_TOKEN_KEY] == invitation_link["token"]


def test_the_password_form_is_on_the_set_password_url_and_posts_there(
    client: Client, invitation_link
):
    response = client.get(invitation_link[1], follow=True)
    assert response.redirect_chain == [(set_password_url(invitation_link), 302)]
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<form method="post" action="{set_password_url(invitation_link)}"' in html
    assert invitation_link["token"] not in html


def test_no_audit_event_keeps_the_token_after_the_whole_flow(client: Client, invitation_link):
    token = invitation_link["token"]
    client.get(invitation_link[1], follow=True)
    mismatch = {"new_password1": NEW_PASSWORD, "new_password2": "something-else-1"}
    assert client.post(set_password_url(invitation_link), mismatch).status_code == 400
    response = client.post(set_password_url(invitation_link), PASSWORDS)
    assert response["Location"] == reverse("patientportal:home")
    assert client.get(reverse("patientportal:home")).status_code == 200

    paths = list(AuditEvent.objects.values_list("path", flat=True))
    assert set_password_url(invitation_link) in paths  # the activation itself is recorded
    for event in AuditEvent.objects.all():
        assert token not in event.path, f"{event.action} event kept the token in {event.path!r}"
        assert token not in str(event.detail), f"{event.action} event kept the token in detail"


def test_the_token_leaves_the_session_once_the_password_is_set(client: Client, invitation_link):
    client.get(invitation_link[1])
    client.post(set_password_url(invitation_link), PASSWORDS)
    assert SESSION_TOKEN_KEY not in client.session
    assert client.get(set_password_url(invitation_link)).status_code == 400


def test_the_set_password_url_without_a_token_in_the_session_is_the_invalid_page(
    client: Client, invitation_link
):
    url = set_password_url(invitation_link)
    for response in (client.get(url), client.post(url, PASSWORDS)):
        assert response.status_code == 400
        assert b"This link no longer works" in response.content
    user = Patient.objects.get(email="pat@example.com").user
    assert authenticate(username=user.username, password=NEW_PASSWORD) is None


def test_a_token_in_another_browser_session_does_not_open_the_set_password_url(
    invitation_link,
):
    opened, other = Client(), Client()
    assert opened.get(invitation_link[1]).status_code == 302
    assert other.get(set_password_url(invitation_link)).status_code == 400
    assert opened.get(set_password_url(invitation_link)).status_code == 200


def test_a_wrong_token_in_the_link_is_the_invalid_page_and_stores_nothing(
    client: Client, invitation_link
):
    response = client.get(f"/my/welcome/{invitation_link['uidb64']}/1-abc/")
    assert response.status_code == 400
    assert SESSION_TOKEN_KEY not in client.session
    assert client.get("/my/welcome/!!!/set-password/").status_code == 400
    # Guessing at links leaves a trace, without the guessed token.
    guesses = AuditEvent.objects.filter(
        action="denied", detail__reason="invalid or used invitation link"
    )
    assert guesses.count() == 2
    assert not any("1-abc" in event.path for event in guesses)
