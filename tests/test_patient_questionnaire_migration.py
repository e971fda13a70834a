"""Migration 0007 turns the ODI's table into every questionnaire's in place: an ODI row
stored before it keeps its id, answers, score and the plans it was shared with, gains its
instrument and band, and the audit events that named it name the same row afterwards (the
content type is renamed with the model, as ``manage.py migrate`` does it, and the audit
trail's hash chain still holds). Going back is refused once other questionnaires are stored.

The migrations run in the test's own transaction, rolled back afterwards: on SQLite with
foreign-key checks switched off before it begins (SQLite cannot switch them off inside one,
and its schema editor needs them off), on PostgreSQL with the tables' owner's rights.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.contrib.contenttypes.management import inject_rename_contenttypes_operations
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from patientportal.models import QuestionnaireResult
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import ODI, PHQ9
from tests.audit_role_fixtures import table_owner_rights

BEFORE = [("patientportal", "0006_flares")]
# Sections as stored before: 16 points of 45 (sex life skipped): 36 %, moderate.
OLD_ANSWERS = dict(zip(ODI.item_keys, [3, 1, 2, 2, 1, 2, 2, None, 2, 1], strict=True))


def migrate(targets=None):
    """Migrate to ``targets`` (default: every app's latest) as ``manage.py migrate`` does:
    the plan with contenttypes' ``RenameContentType`` after each ``RenameModel`` (what its
    pre_migrate handler adds). Returns the models as they stand there."""
    connection.check_constraints()  # PostgreSQL: no deferred checks pending on an ALTER
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    plan = executor.migration_plan(targets)
    inject_rename_contenttypes_operations(plan=plan, apps=global_apps, using=connection.alias)
    executor.migrate(targets, plan=plan)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def around_the_test_transaction(django_db_setup, django_db_blocker):
    """Set up before the test's transaction begins and torn down after its rollback: on
    SQLite, foreign-key checks off meanwhile; the content types cached meanwhile forgotten."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with django_db_blocker.unblock():
            connection.disable_constraint_checking()
    yield
    ContentType.objects.clear_cache()
    if sqlite:
        with django_db_blocker.unblock():
            connection.enable_constraint_checking()


@pytest.fixture
def migrations_in_transaction(around_the_test_transaction, db):
    with table_owner_rights():
        yield


def test_an_odi_row_and_the_audit_events_naming_it_carry_over_unchanged(
    migrations_in_transaction, portal_world
):
    old = migrate(BEFORE).get_model("patientportal", "OdiResponse")
    key = uuid.uuid4()
    row = old.objects.create(
        patient_id=portal_world.patient.pk,
        completed_at=timezone.now(),
        answers=OLD_ANSWERS,
        score=36,
        answered_sections=9,
        submission_key=key,
        submission_digest="d" * 64,
    )
    row.plans.add(portal_world.plan.pk)
    event = record_event(
        portal_world.patient_user,
        AuditAction.CREATED,
        row,
        patient=portal_world.patient,
        detail={"score": 36},
    )
    assert event.target_content_type.model == "odiresponse"

    migrate()

    result = QuestionnaireResult.objects.get(pk=row.pk)
    assert (result.instrument, result.total, result.band) == (
        "odi",
        Decimal(36),
        "Moderate disability",
    )
    assert (result.answered, result.safety_fired, result.answers) == (9, False, OLD_ANSWERS)
    assert (result.submission_key, result.completed_at) == (key, row.completed_at)
    assert list(result.plans.all()) == [portal_world.plan]
    assert list(portal_world.patient.questionnaire_results.all()) == [result]
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.target_content_type.model_class() is QuestionnaireResult
    assert event.target_object_id == str(result.pk)
    assert not ContentType.objects.filter(app_label="patientportal", model="odiresponse").exists()
    assert verify_chain().ok  # the trail hashes the content type's id, which was kept
    # The table takes every questionnaire now, through the service.
    answers = dict.fromkeys(PHQ9.item_keys, 1)
    record_questionnaire(portal_world.patient, portal_world.patient_user, PHQ9, answers)
    assert QuestionnaireResult.objects.count() == 2


def test_going_back_is_refused_once_another_questionnaire_is_stored(
    migrations_in_transaction, portal_world
):
    # No self-harm answer: an alert from a questionnaire stops the way back earlier (0008).
    answers = {**dict.fromkeys(PHQ9.item_keys, 1), "self_harm": 0}
    record_questionnaire(portal_world.patient, portal_world.patient_user, PHQ9, answers)

    with pytest.raises(IrreversibleError, match="other than the ODI"):
        migrate(BEFORE)


def test_going_back_before_questionnaire_alerts_is_refused_while_one_exists(
    migrations_in_transaction, portal_world
):
    answers = {**dict.fromkeys(PHQ9.item_keys, 1), "self_harm": 1}
    record_questionnaire(portal_world.patient, portal_world.patient_user, PHQ9, answers)

    with pytest.raises(IrreversibleError, match="Alerts raised by questionnaires"):
        migrate([("patientportal", "0007_questionnaire_results")])
