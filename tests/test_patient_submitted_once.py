"""Every patient-portal form that creates something carries a one-time key: each
questionnaire (the ODI here), the team's invite button and reading assignment (the check-in is in
tests/test_patient_checkin_faults.py). Sent again, the form gets the outcome of the first
time and nothing is stored, queued or emailed twice; the key with other answers is a 409.
Each email is queued in the same transaction as what it is about."""

from __future__ import annotations

import re
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError
from django.urls import reverse
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from careteam.models import Patient
from patientportal.models import (
    CheckIn,
    PatientInvitation,
    QuestionnaireResult,
    ReadingAssignment,
)
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.logins import invite_patient
from questionnaires.instruments import ODI, PEG
from tests.patient_fixtures import activate_plan
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db
KEY_FIELD = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"')
CHECK_IN = reverse("patientportal:check-in")
ODI_PAGE = reverse("patientportal:questionnaire", args=[ODI.code])


@pytest.fixture
def new_patient(care_team):
    """A plan whose patient has an email address and no login yet: one to invite."""
    plan = activate_plan(care_team.plan)
    Patient.objects.filter(pk=plan.patient_id).update(email="new.patient@example.com")
    plan.patient.refresh_from_db()
    return plan


def keys_on(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return KEY_FIELD.findall(response.content.decode())


def queued(task_name: str) -> int:
    return DBTaskResult.objects.filter(task_path=f"patientportal.tasks.{task_name}").count()


def odi_answers(key, score: int = 2) -> dict:
    return {**dict.fromkeys(ODI.item_keys, str(score)), "submission_key": str(key)}


def test_each_form_carries_a_hidden_key_new_each_time_it_is_drawn(client, portal_world, site_tree):
    client.force_login(portal_world.patient_user)
    for url in (CHECK_IN, ODI_PAGE):
        (first,) = keys_on(client, url)
        assert keys_on(client, url) != [first]
    client.force_login(portal_world.lead)
    assign = reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk])
    (first,) = keys_on(client, assign)
    assert keys_on(client, assign) != [first]


def test_the_invite_button_carries_a_new_key_each_time_the_plan_page_is_drawn(
    client, care_team, new_patient
):
    client.force_login(care_team.lead)
    plan_page = reverse("careteam:plan-detail", args=[new_patient.pk])
    (first,) = keys_on(client, plan_page)
    assert keys_on(client, plan_page) != [first]


def test_the_odi_sent_twice_is_stored_once_with_the_same_outcome(client, portal_world):
    client.force_login(portal_world.patient_user)
    key = uuid.uuid4()
    first = client.post(ODI_PAGE, odi_answers(key), follow=True)
    second = client.post(ODI_PAGE, odi_answers(key), follow=True)
    assert QuestionnaireResult.objects.count() == 1
    for response in (first, second):
        assert "Your score is 40 out of 100" in response.content.decode()


def test_the_odi_key_with_other_answers_is_refused_409_with_a_new_key(client, portal_world):
    client.force_login(portal_world.patient_user)
    key = uuid.uuid4()
    client.post(ODI_PAGE, odi_answers(key, score=2))
    response = client.post(ODI_PAGE, odi_answers(key, score=4))
    assert response.status_code == 409
    html = response.content.decode()
    assert "already sent, with other answers" in html
    (new_key,) = KEY_FIELD.findall(html)
    assert new_key != str(key)
    assert [result.score for result in QuestionnaireResult.objects.all()] == [40]
    assert AuditEvent.objects.filter(action="denied", actor=portal_world.patient_user).exists()
    assert client.post(ODI_PAGE, odi_answers(new_key, score=4)).status_code == 302
    assert QuestionnaireResult.objects.count() == 2


def test_the_key_of_one_questionnaire_sent_with_another_is_refused_409(client, portal_world):
    client.force_login(portal_world.patient_user)
    key = uuid.uuid4()
    assert client.post(ODI_PAGE, odi_answers(key)).status_code == 302
    peg = reverse("patientportal:questionnaire", args=[PEG.code])
    answers = {**dict.fromkeys(PEG.item_keys, "3"), "submission_key": str(key)}
    assert client.post(peg, answers).status_code == 409
    assert list(QuestionnaireResult.objects.values_list("instrument", flat=True)) == ["odi"]


def test_a_malformed_key_is_a_400_with_a_message_and_saves_nothing(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.post(CHECK_IN, {"pain_score": "3", "submission_key": "not-a-key"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form was changed or is out of date" in html
    assert not CheckIn.objects.exists()
    (new_key,) = KEY_FIELD.findall(html)  # shown again with a good key, it can be sent
    assert client.post(CHECK_IN, {"pain_score": "3", "submission_key": new_key}).status_code == 302
    assert client.post(ODI_PAGE, odi_answers("'; DROP TABLE")).status_code == 400
    assert not QuestionnaireResult.objects.exists()


def test_a_form_without_a_key_still_works(client, portal_world):
    """A page drawn before the key existed, or a client that drops hidden fields."""
    client.force_login(portal_world.patient_user)
    assert client.post(CHECK_IN, {"pain_score": "3"}).status_code == 302
    assert client.post(CHECK_IN, {"pain_score": "3"}).status_code == 302
    assert CheckIn.objects.count() == 2


def test_red_flags_on_a_form_sent_back_with_errors_bring_the_urgent_advice(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.post(CHECK_IN, {"red_flags": ["bladder_or_bowel"]})  # no pain score
    assert response.status_code == 400
    html = response.content.decode()
    assert "Get urgent medical help now" in html
    assert "Your answers are not saved yet" in html


def test_the_invite_button_clicked_twice_invites_once_and_emails_once(
    client, care_team, new_patient, django_capture_on_commit_callbacks
):
    client.force_login(care_team.lead)
    url = reverse("patientportal_team:invite", args=[new_patient.pk])
    key = str(uuid.uuid4())
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"submission_key": key}, follow=True)
        assert "Invitation sent to new.patient@example.com" in response.content.decode()
    assert PatientInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_malformed_invite_key_is_a_400(client, care_team, new_patient):
    client.force_login(care_team.lead)
    url = reverse("patientportal_team:invite", args=[new_patient.pk])
    assert client.post(url, {"submission_key": "x" * 40}).status_code == 400
    assert not PatientInvitation.objects.exists()


def test_an_invitation_and_its_email_are_committed_together(care_team, new_patient, database_queue):
    with (
        mock.patch.object(DatabaseBackend, "enqueue", side_effect=DatabaseError("queue down")),
        pytest.raises(DatabaseError),
    ):
        invite_patient(new_patient, care_team.lead, submission_key=uuid.uuid4())
    new_patient.patient.refresh_from_db()
    assert new_patient.patient.user is None  # the new login went with the rollback
    assert not PatientInvitation.objects.exists()

    invitation = invite_patient(new_patient, care_team.lead, submission_key=uuid.uuid4())
    row = DBTaskResult.objects.get(task_path="patientportal.tasks.send_invitation_email")
    assert row.args_kwargs["args"] == [invitation.pk]


def test_a_reading_assignment_sent_twice_is_stored_and_emailed_once(
    client, portal_world, site_tree, database_queue
):
    page = make_article(site_tree.articles, "Pacing basics")
    client.force_login(portal_world.lead)
    url = reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk])
    data = {"page": str(page.pk), "note": "Read this first.", "submission_key": str(uuid.uuid4())}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert ReadingAssignment.objects.filter(plan=portal_world.plan).count() == 1
    assert queued("send_reading_assigned_email") == 1

    reused = client.post(url, {**data, "note": "Something else."})
    assert reused.status_code == 409
    assert "already sent, with other answers" in reused.content.decode()
    assert ReadingAssignment.objects.get(plan=portal_world.plan).note == "Read this first."


def test_a_reading_assignment_and_its_email_are_committed_together(
    portal_world, site_tree, database_queue
):
    page = make_article(site_tree.articles, "Pacing basics")
    with (
        mock.patch.object(DatabaseBackend, "enqueue", side_effect=DatabaseError("queue down")),
        pytest.raises(DatabaseError),
    ):
        assign_reading(portal_world.plan, portal_world.lead, page, submission_key=uuid.uuid4())
    assert not ReadingAssignment.objects.filter(plan=portal_world.plan).exists()
    assert not AuditEvent.objects.filter(
        action="created", target_content_type__model="readingassignment"
    ).exists()
    assert queued("send_reading_assigned_email") == 0
