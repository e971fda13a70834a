"""A red-flag check-in when things fail: the patient always sees the urgent advice, and the
check-in, its alerts and the queued emails to the leads are stored together, once, or not
at all.

The design under test (jobs.handoff): on the database task queue of
production the email task's row is written in the check-in's own transaction, so a failing
enqueue rolls the whole check-in back (nothing half-saved) and the patient's retry, with the
form's one-time key, stores everything exactly once. On the Immediate backend of development
the task runs after the commit and its failure cannot undo the check-in.

Run on SQLite and on PostgreSQL (``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.db import DatabaseError, OperationalError, connection
from django.urls import reverse
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from audit.models import AuditEvent
from patientportal.models import CheckIn, RedFlag, RedFlagAlert
from patientportal.services import submissions
from patientportal.services.checkins import record_check_in
from patientportal.tasks import send_red_flag_alert_email
from tests.page_checks import assert_accessible_page
from tests.patient_fixtures import second_plan_led_by

pytestmark = pytest.mark.django_db
CHECK_IN = reverse("patientportal:check-in")
ALERT_EMAIL = send_red_flag_alert_email.module_path


@pytest.fixture
def patient_client(client, portal_world):
    client.force_login(portal_world.patient_user)
    return client


def red_flag_answers(key: uuid.UUID, pain: str = "8") -> dict:
    return {
        "pain_score": pain,
        "red_flags": [RedFlag.BLADDER_OR_BOWEL],
        "note": "Numb since this morning.",
        "submission_key": str(key),
    }


def stored() -> tuple[int, int, int]:
    """Check-ins, alerts and queued alert emails."""
    queued = DBTaskResult.objects.filter(task_path=ALERT_EMAIL).count()
    return CheckIn.objects.count(), RedFlagAlert.objects.count(), queued


def run_the_worker() -> list[bool]:
    """What ``run_worker`` does with each queued alert email."""
    rows = DBTaskResult.objects.filter(task_path=ALERT_EMAIL).order_by("enqueued_at")
    return [send_red_flag_alert_email.call(*row.args_kwargs["args"]) for row in rows]


def assert_urgent_advice_unsaved(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Get urgent medical help now" in html
    assert "Call 999 or go to your nearest emergency department now" in html
    assert RedFlag.BLADDER_OR_BOWEL.label in html
    assert "Your answers could not be saved" in html
    assert "your care team has not been told" in html
    assert_accessible_page(html)
    return html


def test_a_failing_enqueue_saves_nothing_shows_urgent_advice_and_the_retry_saves_once(
    patient_client, portal_world, database_queue
):
    key = uuid.uuid4()
    with mock.patch.object(DatabaseBackend, "enqueue", side_effect=DatabaseError("queue down")):
        response = patient_client.post(CHECK_IN, red_flag_answers(key))
    html = assert_urgent_advice_unsaved(response)
    assert stored() == (0, 0, 0)
    assert not AuditEvent.objects.filter(target_content_type__model="checkin").exists()
    # The page's button sends the same answers with the same key.
    assert f'name="submission_key" value="{key}"' in html

    retried = patient_client.post(CHECK_IN, red_flag_answers(key))
    check_in = CheckIn.objects.get()
    assert retried["Location"] == reverse("patientportal:check-in-urgent", args=[check_in.pk])
    assert stored() == (1, 1, 1)
    alert = RedFlagAlert.objects.get()
    queued = DBTaskResult.objects.get(task_path=ALERT_EMAIL)
    assert queued.args_kwargs["args"] == [alert.pk]

    assert patient_client.post(CHECK_IN, red_flag_answers(key))["Location"] == retried["Location"]
    assert stored() == (1, 1, 1)
    assert run_the_worker() == [True]
    assert [email.to for email in mail.outbox] == [[portal_world.lead.email]]


def test_the_emails_are_queued_in_the_check_ins_transaction_so_a_later_failure_undoes_them(
    patient_client, portal_world, database_queue
):
    """Two current plans, two leads: the second enqueue fails after the first succeeded.
    The first email's row goes with the rollback, so no lead hears of an unsaved check-in."""
    second_plan_led_by(portal_world.plan, portal_world.lead, portal_world.team.spare_physician)
    real_enqueue = DatabaseBackend.enqueue
    calls = []

    def second_one_fails(backend, task, args, kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise DatabaseError("queue down")
        return real_enqueue(backend, task, args, kwargs)

    key = uuid.uuid4()
    with mock.patch.object(DatabaseBackend, "enqueue", second_one_fails):
        response = patient_client.post(CHECK_IN, red_flag_answers(key))
    assert_urgent_advice_unsaved(response)
    assert len(calls) == 2
    assert stored() == (0, 0, 0)

    patient_client.post(CHECK_IN, red_flag_answers(key))
    assert stored() == (1, 2, 2)
    assert sorted(run_the_worker()) == [True, True]
    assert len(mail.outbox) == 2


def test_a_double_click_stores_one_check_in_one_alert_one_email(
    patient_client, portal_world, database_queue
):
    key = uuid.uuid4()
    first = patient_client.post(CHECK_IN, red_flag_answers(key))
    second = patient_client.post(CHECK_IN, red_flag_answers(key))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert stored() == (1, 1, 1)
    assert run_the_worker() == [True]
    assert len(mail.outbox) == 1


def test_a_retry_on_the_immediate_backend_sends_one_email(
    patient_client, portal_world, django_capture_on_commit_callbacks
):
    key = uuid.uuid4()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            patient_client.post(CHECK_IN, red_flag_answers(key))
    assert stored()[:2] == (1, 1)
    assert len(mail.outbox) == 1


def test_on_the_immediate_backend_a_failing_email_cannot_undo_the_check_in(
    patient_client, portal_world, django_capture_on_commit_callbacks, caplog
):
    assert isinstance(send_red_flag_alert_email.get_backend(), ImmediateBackend)
    failing = mock.patch.object(ImmediateBackend, "enqueue", side_effect=OSError("SMTP down"))
    committing = django_capture_on_commit_callbacks(execute=True)
    with failing, caplog.at_level(logging.ERROR), committing as callbacks:
        response = patient_client.post(CHECK_IN, red_flag_answers(uuid.uuid4()))
    assert len(callbacks) == 1  # the email waited for the commit
    check_in = CheckIn.objects.get()
    assert response["Location"] == reverse("patientportal:check-in-urgent", args=[check_in.pk])
    assert RedFlagAlert.objects.filter(check_in=check_in).count() == 1
    assert "SMTP down" in caplog.text
    assert mail.outbox == []


class DatabaseGone:
    """From the first write to ``table`` on, every statement fails as if the server had
    stopped; savepoint bookkeeping still passes, so the test's own transaction survives.
    ``after_failure``: what was tried once the database was gone."""

    def __init__(self, table: str):
        self.table = table
        self.gone = False
        self.after_failure: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if "SAVEPOINT" in sql.upper():
            return execute(sql, params, many, context)
        if not self.gone and sql.startswith("INSERT") and self.table in sql:
            self.gone = True
            raise OperationalError("server closed the connection unexpectedly")
        if self.gone:
            self.after_failure.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@contextmanager
def database_gone(table: str) -> Iterator[DatabaseGone]:
    fault = DatabaseGone(table)
    with connection.execute_wrapper(fault):
        yield fault


def test_when_the_database_fails_during_the_save_the_patient_gets_urgent_advice_with_503(
    patient_client, portal_world, caplog
):
    key = uuid.uuid4()
    with caplog.at_level(logging.ERROR), database_gone(CheckIn._meta.db_table) as fault:
        response = patient_client.post(CHECK_IN, red_flag_answers(key))
    assert fault.gone
    assert fault.after_failure == []  # the page, and the response's way out, ask nothing
    html = assert_urgent_advice_unsaved(response)
    assert 'href="/my/' not in html  # no navigation drawn from the database
    assert "could not be saved" in caplog.text
    assert stored() == (0, 0, 0)


def test_the_database_failing_on_the_alert_also_brings_the_urgent_advice(
    patient_client, portal_world
):
    with database_gone(RedFlagAlert._meta.db_table) as fault:
        response = patient_client.post(CHECK_IN, red_flag_answers(uuid.uuid4()))
    assert fault.gone
    assert_urgent_advice_unsaved(response)
    assert stored() == (0, 0, 0)


def test_a_check_in_without_red_flags_leaves_a_database_failure_to_the_error_pages(
    patient_client, portal_world
):
    answers = {"pain_score": "3", "submission_key": str(uuid.uuid4())}
    with database_gone(CheckIn._meta.db_table), pytest.raises(OperationalError):
        patient_client.post(CHECK_IN, answers)
    assert not CheckIn.objects.exists()


def test_a_key_reused_with_other_answers_is_refused_409_and_recorded(patient_client, portal_world):
    key = uuid.uuid4()
    patient_client.post(CHECK_IN, {"pain_score": "3", "submission_key": str(key)})
    response = patient_client.post(CHECK_IN, red_flag_answers(key, pain="9"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "already sent, with other answers" in html
    assert "Get urgent medical help now" in html  # the new answers have a red flag
    assert_accessible_page(html)
    assert str(key) not in html  # the form shown again carries a new key
    assert CheckIn.objects.get().pain_score == 3
    assert not RedFlagAlert.objects.exists()
    refusal = AuditEvent.objects.get(action="denied", actor=portal_world.patient_user)
    assert refusal.detail["reason"] == "form key already used with other answers"

    new_key = html.split('name="submission_key" value="', 1)[1].split('"', 1)[0]
    again = patient_client.post(CHECK_IN, red_flag_answers(uuid.UUID(new_key), pain="9"))
    assert again.status_code == 302
    assert CheckIn.objects.count() == 2
    assert RedFlagAlert.objects.count() == 1


def test_a_copy_racing_past_the_look_up_meets_the_unique_key_and_gets_the_first(portal_world):
    """Two copies of one submission at the same moment: both miss the look-up, the second
    INSERT breaks the unique key, and the first copy's check-in is the answer."""
    patient, user = portal_world.patient, portal_world.patient_user
    key = uuid.uuid4()
    first = record_check_in(
        patient, user, pain_score=8, red_flags=["bladder_or_bowel"], submission_key=key
    )
    real_look_up = submissions.stored_earlier
    looks = []

    def too_early_the_first_time(*args, **kwargs):
        looks.append(args)
        return None if len(looks) == 1 else real_look_up(*args, **kwargs)

    with mock.patch.object(submissions, "stored_earlier", too_early_the_first_time):
        second = record_check_in(
            patient, user, pain_score=8, red_flags=["bladder_or_bowel"], submission_key=key
        )
    assert len(looks) == 2
    assert second == first
    assert stored()[:2] == (1, 1)
