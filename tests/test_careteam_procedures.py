"""A procedure names which one it is and, once done, the day it was done: what the patient's
relief follow-ups are timed from."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careteam.models import ActivityKind, ActivityStatus, Discipline, Procedure
from careteam.services import create_activity, update_activity
from careteam.signals import procedure_done

pytestmark = pytest.mark.django_db


def injection(care_team, **fields):
    return create_activity(
        care_team.section(Discipline.PAIN_MANAGEMENT),
        care_team.lead,
        kind=ActivityKind.PROCEDURE,
        title="Epidural steroid injection, L4-5",
        procedure=Procedure.EPIDURAL_STEROID_INJECTION,
        **fields,
    )


def test_a_procedure_marked_done_keeps_the_day_it_was_done(care_team):
    activity = injection(care_team, status=ActivityStatus.SCHEDULED)
    done = timezone.localdate() - datetime.timedelta(days=1)
    activity = update_activity(
        activity, care_team.lead, activity.version, status=ActivityStatus.COMPLETED, done_on=done
    )
    assert activity.done_on == done and activity.procedure == Procedure.EPIDURAL_STEROID_INJECTION


def test_a_procedure_cannot_be_marked_done_without_its_day_or_on_a_day_to_come(care_team):
    activity = injection(care_team, status=ActivityStatus.SCHEDULED)
    with pytest.raises(ValidationError) as missing:
        update_activity(activity, care_team.lead, activity.version, status=ActivityStatus.COMPLETED)
    assert "Say which day the procedure was done." in str(missing.value)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as future:
        update_activity(
            activity,
            care_team.lead,
            activity.version,
            status=ActivityStatus.COMPLETED,
            done_on=tomorrow,
        )
    assert "has not come yet" in str(future.value)


def test_only_a_procedure_names_one(care_team):
    with pytest.raises(ValidationError) as refused:
        create_activity(
            care_team.section(Discipline.PHYSICAL_THERAPY),
            care_team.physio,
            kind=ActivityKind.EXERCISE,
            title="Bird dog",
            procedure=Procedure.PROLOTHERAPY,
        )
    assert "Only a procedure can name one." in str(refused.value)


@pytest.fixture
def announced():
    """What ``procedure_done`` sends during the test: (done_on, patient_sees) per send."""
    sent = []

    def receiver(sender, *, activity, done_on, actor, **kwargs):
        sent.append((done_on, activity.patient_sees))

    procedure_done.connect(receiver, dispatch_uid="tests.announced")
    yield sent
    procedure_done.disconnect(dispatch_uid="tests.announced")


def test_showing_or_hiding_a_done_procedure_is_announced_and_other_edits_are_not(
    care_team, announced
):
    done = timezone.localdate() - datetime.timedelta(days=1)
    activity = injection(care_team, status=ActivityStatus.COMPLETED, done_on=done)
    for changes in (
        {"visible_to_patient": False},
        {"schedule": "Monday"},
        {"visible_to_patient": True},
    ):
        activity = update_activity(activity, care_team.lead, activity.version, **changes)
    assert announced == [(done, True), (done, False), (done, True)]


def test_showing_or_hiding_a_procedure_not_done_is_not_announced(care_team, announced):
    activity = injection(care_team, status=ActivityStatus.SCHEDULED)
    for visible in (False, True):
        activity = update_activity(
            activity, care_team.lead, activity.version, visible_to_patient=visible
        )
    assert announced == []
