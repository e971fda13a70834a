"""Issue 14's safety path: a PHQ-9 answer other than "not at all" on the self-harm item brings
crisis advice at once, whatever happens to the saving, and raises an urgent alert on each
current plan through the red flags' own alert, escalation and acknowledgement path; a severe
score (PHQ-9 >= 20, GAD-7 >= 15) alerts the mental-health member without escalating. Who
reads the answers behind an alert is the mental-health rule of the policy.

Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import IntegrityError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from careteam.policy import PlanAction, refusal
from patientportal.models import AlertKind, AlertOutcome, QuestionnaireResult, RedFlagAlert
from patientportal.services.escalation import escalate_overdue_alerts
from patientportal.services.on_call import clinic_alerts
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import GAD7, PHQ9
from tests.page_checks import assert_accessible_page
from tests.patient_fixtures import second_plan_led_by

pytestmark = pytest.mark.django_db

PHQ9_PAGE = reverse("patientportal:questionnaire", args=["phq9"])
CRISIS_LINE = "the crisis line of the test clinic, 0161 496 0555"
HELPLINE = "a national helpline, 0800 000 0000"
SELF_HARM_QUESTION = "Thinking you would be better off dead"
# Words no alert email may carry: the instrument, the concern, the answers' words.
HEALTH_WORDS = ("phq", "self-harm", "harm", "dead", "mood", "depress", "nearly every day")


@pytest.fixture(autouse=True)
def crisis_numbers(settings):
    settings.CLINIC_EMERGENCY_NUMBER = "999"
    settings.CLINIC_CRISIS_LINE = CRISIS_LINE
    settings.NATIONAL_HELPLINE = HELPLINE
    settings.RED_FLAG_ESCALATE_AFTER_MINUTES = 30
    settings.CLINIC_ON_CALL_EMAIL = "on-call@clinic.example"


@pytest.fixture
def patient_client(client, portal_world):
    client.force_login(portal_world.patient_user)
    return client


def phq9_answers(*, self_harm: int, others: int = 1) -> dict[str, int]:
    return {**dict.fromkeys(PHQ9.item_keys, others), "self_harm": self_harm}


def posted(answers: dict[str, int], key: uuid.UUID | None = None) -> dict[str, str]:
    data = {item: str(value) for item, value in answers.items()}
    return {**data, "submission_key": str(key or uuid.uuid4())}


def assert_crisis_advice_first(html: str) -> None:
    """The advice, with the three numbers from settings, before anything else in <main>."""
    main = html.split('<main id="main"', 1)[1]
    first_heading = re.search(r"<h[12][^>]*>(.*?)</h[12]>", main, re.S)
    assert first_heading is not None
    assert first_heading.group(1).strip() == "Please talk to someone now"
    assert "call 999 or go to your nearest emergency department now" in html
    assert CRISIS_LINE in html
    assert HELPLINE in html


def alert_emails() -> list:
    return [message for message in mail.outbox if "escalat" not in message.subject.lower()]


def assert_no_health_details(message, world) -> None:
    text = (message.subject + "\n" + message.body).lower()
    for word in HEALTH_WORDS:
        assert word not in text, word
    assert world.patient.family_name.lower() not in text
    assert world.patient.record_number.lower() not in text


# --- Crisis advice and the urgent alert ---------------------------------------------------


def test_a_self_harm_answer_brings_crisis_advice_first_and_alerts_each_current_plan(
    patient_client, portal_world, django_capture_on_commit_callbacks
):
    team = portal_world.team
    second = second_plan_led_by(portal_world.plan, team.lead, team.spare_physician)
    with django_capture_on_commit_callbacks(execute=True):
        response = patient_client.post(PHQ9_PAGE, posted(phq9_answers(self_harm=1)))

    result = QuestionnaireResult.objects.get()
    assert response["Location"] == reverse("patientportal:questionnaire-support", args=[result.pk])
    page = patient_client.get(response["Location"])
    html = page.content.decode()
    assert_crisis_advice_first(html)
    assert "we have let your care team know" in html
    assert_accessible_page(html)

    alerts = {alert.plan_id: alert for alert in RedFlagAlert.objects.all()}
    assert set(alerts) == {portal_world.plan.pk, second.pk}
    for alert in alerts.values():
        assert (alert.kind, alert.questionnaire_result, alert.check_in) == (
            AlertKind.SAFETY_ANSWER,
            result,
            None,
        )
        assert alert.is_urgent and alert.flags == []
    # The lead and the mental-health member of the first plan; the second has only its lead.
    recipients = sorted(address for message in alert_emails() for address in message.to)
    assert recipients == sorted(
        [team.lead.email, team.mental_health.email, team.spare_physician.email]
    )
    for message in alert_emails():
        assert message.subject.startswith("Urgent:")
        assert "/care/plans/" in message.body
        assert_no_health_details(message, portal_world)

    event = AuditEvent.objects.get(
        action=AuditAction.CREATED,
        target_content_type=ContentType.objects.get_for_model(RedFlagAlert),
        target_object_id=str(alerts[portal_world.plan.pk].pk),
    )
    assert event.actor == portal_world.patient_user
    assert event.care_plan_id == portal_world.plan.pk
    assert event.detail == {
        "kind": "safety_answer",
        "instrument": "phq9",
        "urgent": True,
        "notified": [team.lead.get_username(), team.mental_health.get_username()],
    }
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED, target_object_id=str(result.pk), detail__what="crisis advice"
    ).exists()


@pytest.mark.parametrize("answer", [1, 2, 3])
def test_every_answer_but_not_at_all_raises_the_urgent_alert(portal_world, answer):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=answer)
    )
    assert RedFlagAlert.objects.get().kind == AlertKind.SAFETY_ANSWER


def test_not_at_all_raises_nothing_and_shows_no_crisis_advice(patient_client, portal_world):
    response = patient_client.post(PHQ9_PAGE, posted(phq9_answers(self_harm=0, others=2)))
    assert response["Location"] == reverse("patientportal:plan")
    assert not RedFlagAlert.objects.exists()
    assert mail.outbox == []
    assert (
        "Please talk to someone now"
        not in patient_client.get(response["Location"]).content.decode()
    )


def test_the_same_submission_sent_twice_raises_one_alert_and_shows_the_advice_both_times(
    patient_client, portal_world, django_capture_on_commit_callbacks
):
    data = posted(phq9_answers(self_harm=2))
    with django_capture_on_commit_callbacks(execute=True):
        first = patient_client.post(PHQ9_PAGE, data)
        again = patient_client.post(PHQ9_PAGE, data)
    assert first["Location"] == again["Location"]
    assert_crisis_advice_first(patient_client.get(again["Location"]).content.decode())
    assert QuestionnaireResult.objects.count() == 1
    assert RedFlagAlert.objects.count() == 1
    assert len(alert_emails()) == 2  # lead and mental-health member, once each


def test_an_otherwise_invalid_form_still_shows_the_advice_first_with_400(patient_client):
    response = patient_client.post(PHQ9_PAGE, posted({"self_harm": 3, "mood": 2}))
    assert response.status_code == 400
    html = response.content.decode()
    assert_crisis_advice_first(html)
    assert "Your answers are not saved yet" in html
    assert "Please answer at least" in html
    assert not RedFlagAlert.objects.exists()


def test_a_key_reused_with_other_answers_is_refused_409_with_the_advice(patient_client):
    key = uuid.uuid4()
    patient_client.post(PHQ9_PAGE, posted(phq9_answers(self_harm=0), key))
    response = patient_client.post(PHQ9_PAGE, posted(phq9_answers(self_harm=1), key))
    assert response.status_code == 409
    assert_crisis_advice_first(response.content.decode())
    assert not RedFlagAlert.objects.exists()


class DatabaseGone:
    """From the first write to ``table`` on, every statement fails as if the server had
    stopped (savepoints still pass, so the test's own transaction survives)."""

    def __init__(self, table: str):
        self.table = table
        self.gone = False

    def __call__(self, execute, sql, params, many, context):
        if "SAVEPOINT" in sql.upper():
            return execute(sql, params, many, context)
        if not self.gone and sql.startswith("INSERT") and self.table in sql:
            self.gone = True
        if self.gone:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@contextmanager
def database_gone(table: str) -> Iterator[DatabaseGone]:
    fault = DatabaseGone(table)
    with connection.execute_wrapper(fault):
        yield fault


@pytest.mark.parametrize("table", [QuestionnaireResult, RedFlagAlert])
def test_when_saving_fails_the_advice_stands_alone_with_503_and_a_way_to_try_again(
    patient_client, caplog, table
):
    data = posted(phq9_answers(self_harm=1))
    with caplog.at_level(logging.ERROR), database_gone(table._meta.db_table) as fault:
        response = patient_client.post(PHQ9_PAGE, data)
    assert fault.gone
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert_crisis_advice_first(html)
    assert "your care team has not been told" in html
    assert f'value="{data["submission_key"]}"' in html
    assert_accessible_page(html)
    assert "could not be saved" in caplog.text
    assert not QuestionnaireResult.objects.exists()
    assert not RedFlagAlert.objects.exists()

    # Trying again once the database is back stores it and raises the alert, once.
    again = patient_client.post(PHQ9_PAGE, data)
    assert again.status_code == 302
    assert RedFlagAlert.objects.count() == 1


def test_without_a_safety_answer_a_database_failure_is_left_to_the_error_pages(patient_client):
    with database_gone(QuestionnaireResult._meta.db_table), pytest.raises(OperationalError):
        patient_client.post(PHQ9_PAGE, posted(phq9_answers(self_harm=0)))


# --- Escalation and acknowledgement: the red flags' own path ------------------------------


def test_an_unacknowledged_self_harm_alert_escalates_after_the_delay_like_a_red_flag(
    portal_world, django_capture_on_commit_callbacks
):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=1)
    )
    alert = RedFlagAlert.objects.get()
    mail.outbox.clear()
    assert escalate_overdue_alerts(now=alert.created_at + datetime.timedelta(minutes=29)) == []
    with django_capture_on_commit_callbacks(execute=True):
        escalated = escalate_overdue_alerts(now=alert.created_at + datetime.timedelta(minutes=30))
    assert escalated == [alert]
    team = portal_world.team
    expected = {
        user.email for user in (team.lead, team.physio, team.mental_health, team.contributor)
    }
    assert {address for message in mail.outbox for address in message.to} == expected | {
        "on-call@clinic.example"
    }
    message = mail.outbox[0]
    assert message.subject == "Urgent: an alert is not acknowledged after 30 minutes"
    assert "questionnaire raised an urgent alert" in message.body
    assert "Patient record number: T-0001" in message.body
    assert "self-harm" not in message.body.lower() and "phq" not in message.body.lower()
    assert [row.alert for row in clinic_alerts(team.lead).open] == [alert]


def test_the_lead_acknowledges_it_with_an_outcome_on_the_same_form(client, portal_world):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=2)
    )
    alert = RedFlagAlert.objects.get()
    client.force_login(portal_world.lead)
    url = reverse("patientportal_team:acknowledge-alert", args=[portal_world.plan.pk, alert.pk])
    form = client.get(url).content.decode()
    assert "Thoughts of self-harm on the PHQ-9" in form
    assert SELF_HARM_QUESTION not in form
    response = client.post(url, {"outcome": AlertOutcome.CALLED_PATIENT, "outcome_note": ""})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.outcome) == (
        portal_world.lead,
        AlertOutcome.CALLED_PATIENT,
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CHANGED,
        target_object_id=str(alert.pk),
        detail__changes__outcome=["", AlertOutcome.CALLED_PATIENT],
    ).exists()
    assert escalate_overdue_alerts(now=timezone.now() + datetime.timedelta(hours=1)) == []


# --- Severe scores ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "answers"),
    [
        (PHQ9, phq9_answers(self_harm=0, others=3)),  # 24
        (GAD7, {**dict.fromkeys(GAD7.item_keys, 2), GAD7.item_keys[0]: 3}),  # 15
    ],
)
def test_a_severe_score_alerts_the_mental_health_member_and_never_escalates(
    portal_world, django_capture_on_commit_callbacks, instrument, answers
):
    with django_capture_on_commit_callbacks(execute=True):
        recorded = record_questionnaire(
            portal_world.patient, portal_world.patient_user, instrument, answers
        )
    assert recorded.scored.band_alerts and not recorded.safety_fired
    alert = RedFlagAlert.objects.get()
    assert (alert.kind, alert.is_urgent) == (AlertKind.SEVERE_SCORE, False)
    assert alert.flag_labels() == [f"Severe score on the {instrument.short_title}"]
    (message,) = mail.outbox
    assert message.to == [portal_world.team.mental_health.email]
    assert not message.subject.startswith("Urgent")
    assert_no_health_details(message, portal_world)

    assert escalate_overdue_alerts(now=timezone.now() + datetime.timedelta(days=1)) == []
    assert clinic_alerts(portal_world.lead).open == []


def test_a_severe_score_goes_to_the_lead_when_the_plan_has_no_mental_health_member(
    portal_world, django_capture_on_commit_callbacks
):
    team = portal_world.team
    second_plan_led_by(portal_world.plan, team.lead, team.spare_physician)
    with django_capture_on_commit_callbacks(execute=True):
        record_questionnaire(
            portal_world.patient,
            portal_world.patient_user,
            PHQ9,
            phq9_answers(self_harm=0, others=3),
        )
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([team.mental_health.email, team.spare_physician.email])


def test_a_severe_score_with_a_self_harm_answer_raises_only_the_urgent_alert(portal_world):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=3, others=3)
    )
    assert list(RedFlagAlert.objects.values_list("kind", flat=True)) == [AlertKind.SAFETY_ANSWER]


def test_a_moderate_score_raises_nothing(portal_world):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=0, others=2)
    )
    assert not RedFlagAlert.objects.exists()


# --- Who sees what ------------------------------------------------------------------------


def plan_page(client, user, plan) -> str:
    client.force_login(user)
    return client.get(reverse("careteam:plan-detail", args=[plan.pk])).content.decode()


def top_panel(html: str) -> str:
    return html.split('aria-labelledby="red-flag-alerts"', 1)[1].split("</section>", 1)[0]


def test_members_without_the_mental_health_right_see_the_alert_and_act_but_not_the_answers(
    client, portal_world
):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=2)
    )
    team = portal_world.team
    hidden = refusal(PlanAction.VIEW_MENTAL_HEALTH_RESULTS)
    for member in (team.lead, team.physio, team.contributor):
        panel = top_panel(plan_page(client, member, portal_world.plan))
        assert "Thoughts of self-harm on the PHQ-9" in panel
        assert "Acknowledge" in panel
        assert "This is a safety alert" in panel
        assert hidden in panel
        assert SELF_HARM_QUESTION not in panel and "Score " not in panel
        dashboard = client.get(reverse("careteam:dashboard")).content.decode()
        assert "Thoughts of self-harm on the PHQ-9" in dashboard

    panel = top_panel(plan_page(client, team.mental_health, portal_world.plan))
    assert SELF_HARM_QUESTION in panel
    assert "<strong>On more than half of the days</strong>" in panel  # the item that fired
    assert "Score 10" in panel
    assert hidden not in panel


def test_a_severe_score_shows_as_not_urgent_on_the_plan_page(client, portal_world):
    record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=0, others=3)
    )
    panel = top_panel(plan_page(client, portal_world.lead, portal_world.plan))
    assert "Severe score on the PHQ-9" in panel
    assert "Not urgent" in panel and "does not escalate" in panel


# --- The model's rule: one source, the one its kind says ----------------------------------


def test_an_alert_has_exactly_one_source_matching_its_kind(portal_world):
    recorded = record_questionnaire(
        portal_world.patient, portal_world.patient_user, PHQ9, phq9_answers(self_harm=1)
    )
    plan = portal_world.plan
    for fields in (
        {"kind": AlertKind.RED_FLAGS, "questionnaire_result": recorded.stored},
        {"kind": AlertKind.SAFETY_ANSWER},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            RedFlagAlert.objects.create(plan=plan, **fields)
