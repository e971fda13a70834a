"""Building a programme from the library: who may (the lead and the physical therapist),
versions and what changed between them, the version check, and the contraindication
confirmation (the same rule as assigned reading), each audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlanStatus
from careteam.policy import PlanAction, may, roles_allowed
from careteam.services import remove_member
from careteam.services.errors import CareAccessDenied, StaleVersionError
from exercises.models import Programme, ProgrammeItem, ProgrammeVersion
from exercises.services.errors import ExerciseConflict, ProgrammeError
from exercises.services.programmes import (
    Dose,
    change_dose,
    library,
    prescribe_exercise,
    stop_exercise,
)
from exercises.services.versions import ADDED, CHANGED, REMOVED, describe, diff_items
from tests.exercises_fixtures import ProgrammeWorld, prescribe

pytestmark = pytest.mark.django_db


def test_only_the_lead_and_the_physical_therapist_may_prescribe_exercises():
    assert roles_allowed(PlanAction.PRESCRIBE_EXERCISES) == {"lead", "physical_therapy"}


def test_the_policy_answers_for_every_role_on_the_team(programme_world: ProgrammeWorld):
    team, plan = programme_world.team, programme_world.plan
    assert may(team.lead, PlanAction.PRESCRIBE_EXERCISES, plan)
    assert may(team.physio, PlanAction.PRESCRIBE_EXERCISES, plan)
    assert not may(team.mental_health, PlanAction.PRESCRIBE_EXERCISES, plan)
    assert not may(team.contributor, PlanAction.PRESCRIBE_EXERCISES, plan)
    assert not may(team.outsider, PlanAction.PRESCRIBE_EXERCISES, plan)
    assert not may(programme_world.portal.patient_user, PlanAction.PRESCRIBE_EXERCISES, plan)


def test_the_physical_therapist_builds_a_programme_one_version_per_change(
    programme_world: ProgrammeWorld,
):
    world, physio = programme_world, programme_world.team.physio
    first = prescribe_exercise(
        world.plan, physio, world.dead_bug, Dose(sets=2, repetitions=6), expected_version=0
    )
    second = prescribe_exercise(
        world.plan, physio, world.bridge, Dose(hold_seconds=5), expected_version=1
    )
    third = change_dose(
        world.plan, physio, world.bridge, Dose(sets=3, hold_seconds=5), expected_version=2
    )
    fourth = stop_exercise(world.plan, physio, world.dead_bug, expected_version=3)

    assert [first.number, second.number, third.number, fourth.number] == [1, 2, 3, 4]
    assert Programme.objects.get(plan=world.plan).version == 4
    # Each version keeps the whole list as it stood.
    names = {
        version.number: [item.exercise_name for item in version.items.all()]
        for version in ProgrammeVersion.objects.filter(programme__plan=world.plan)
    }
    assert names == {
        1: ["Dead bug"],
        2: ["Dead bug", "Glute bridge"],
        3: ["Dead bug", "Glute bridge"],
        4: ["Glute bridge"],
    }
    assert third.changes == [
        {"change": CHANGED, "exercise": "Glute bridge", "fields": {"sets": [2, 3]}}
    ]
    assert fourth.changes == [{"change": REMOVED, "exercise": "Dead bug"}]
    assert [line.text for line in describe(second.changes)] == [
        "Added Glute bridge: 2 sets of 8, hold 5 seconds; once a day, every day"
    ]
    events = AuditEvent.objects.filter(action=AuditAction.CREATED, care_plan_id=world.plan.pk)
    recorded = [e.detail["version"] for e in events if e.detail.get("version")]
    assert sorted(recorded) == [1, 2, 3, 4]


def test_the_diff_names_added_removed_and_each_changed_dose_field():
    before = [
        {
            "exercise_id": 1,
            "exercise": "Dead bug",
            "sets": 2,
            "repetitions": 8,
            "hold_seconds": 0,
            "times_per_day": 1,
            "days_per_week": 7,
            "note": "",
        },
        {
            "exercise_id": 2,
            "exercise": "Wall sit",
            "sets": 1,
            "repetitions": 3,
            "hold_seconds": 20,
            "times_per_day": 1,
            "days_per_week": 3,
            "note": "",
        },
    ]
    after = [
        {**before[0], "repetitions": 10, "days_per_week": 5, "note": "Slower"},
        {
            "exercise_id": 3,
            "exercise": "Clamshell",
            "sets": 2,
            "repetitions": 12,
            "hold_seconds": 0,
            "times_per_day": 2,
            "days_per_week": 7,
            "note": "",
        },
    ]
    changes = diff_items(before, after)
    assert changes == [
        {
            "change": CHANGED,
            "exercise": "Dead bug",
            "fields": {"repetitions": [8, 10], "days_per_week": [7, 5], "note": ["", "Slower"]},
        },
        {"change": ADDED, "exercise": "Clamshell", "dose": "2 sets of 12; twice a day, every day"},
        {"change": REMOVED, "exercise": "Wall sit"},
    ]
    assert diff_items(before, before) == []


def test_a_change_based_on_an_old_version_is_refused_and_nothing_is_written(
    programme_world: ProgrammeWorld,
):
    world, lead = programme_world, programme_world.team.lead
    prescribe(world.plan, lead, world.dead_bug)
    with pytest.raises(StaleVersionError):
        prescribe_exercise(world.plan, lead, world.bridge, Dose(), expected_version=0)
    with pytest.raises(StaleVersionError):
        change_dose(world.plan, lead, world.dead_bug, Dose(sets=4), expected_version=5)
    assert ProgrammeVersion.objects.filter(programme__plan=world.plan).count() == 1


def test_an_exercise_the_precautions_rule_out_needs_an_explicit_confirmation(
    programme_world: ProgrammeWorld,
):
    world, physio = programme_world, programme_world.team.physio
    with pytest.raises(ExerciseConflict) as refused:
        prescribe_exercise(world.plan, physio, world.stretch, Dose(), expected_version=0)
    assert [conflict.tag.name for conflict in refused.value.conflicts] == ["Deep stretching"]
    assert refused.value.conflicts[0].precautions == ("No deep or end-range stretching",)
    assert not Programme.objects.filter(plan=world.plan).exists()

    version = prescribe_exercise(
        world.plan, physio, world.stretch, Dose(), expected_version=0, confirm_conflicts=True
    )
    item = version.items.get()
    assert item.confirmed_conflicts == ["Deep stretching"]
    event = AuditEvent.objects.filter(
        action=AuditAction.CREATED, care_plan_id=world.plan.pk
    ).latest("pk")
    assert event.detail["confirmed_conflicts"] == ["Deep stretching"]
    assert event.actor_id == physio.pk


def test_exercises_without_a_clash_need_no_confirmation(programme_world: ProgrammeWorld):
    world = programme_world
    version = prescribe(world.plan, world.team.lead, world.dead_bug)
    assert version.items.get().confirmed_conflicts == []


@pytest.mark.parametrize("who", ["mental_health", "contributor"])
def test_other_members_are_refused_with_the_rule_and_the_refusal_is_audited(
    programme_world: ProgrammeWorld, who: str
):
    world = programme_world
    member = getattr(world.team, who)
    with pytest.raises(CareAccessDenied) as refused:
        prescribe_exercise(world.plan, member, world.dead_bug, Dose(), expected_version=0)
    assert refused.value.status_code == 403
    assert "physical therapist" in str(refused.value)
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=member, detail__permission="prescribe_exercises"
    ).exists()
    assert not Programme.objects.exists()


def test_someone_off_the_team_learns_nothing(programme_world: ProgrammeWorld):
    world = programme_world
    with pytest.raises(CareAccessDenied) as refused:
        prescribe_exercise(
            world.plan, world.team.outsider, world.dead_bug, Dose(), expected_version=0
        )
    assert refused.value.status_code == 404


def test_a_removed_physical_therapist_is_refused_under_the_lock(programme_world: ProgrammeWorld):
    """The policy is asked again inside the transaction: a change of team shows at once."""
    world = programme_world
    remove_member(world.plan, world.team.lead, world.team.physio)
    with pytest.raises(CareAccessDenied):
        prescribe_exercise(world.plan, world.team.physio, world.bridge, Dose(), expected_version=0)


def test_drafts_never_reach_the_library_and_cannot_be_prescribed(programme_world: ProgrammeWorld):
    world = programme_world
    assert world.draft not in library()
    with pytest.raises(ProgrammeError):
        prescribe_exercise(world.plan, world.team.lead, world.draft, Dose(), expected_version=0)


def test_doses_outside_their_range_are_refused(programme_world: ProgrammeWorld):
    world = programme_world
    with pytest.raises(ValidationError):
        prescribe_exercise(
            world.plan, world.team.lead, world.bridge, Dose(days_per_week=8), expected_version=0
        )
    assert not ProgrammeItem.objects.exists()


def test_the_same_exercise_twice_and_an_unchanged_dose_are_refused(
    programme_world: ProgrammeWorld,
):
    world, lead = programme_world, programme_world.team.lead
    prescribe(world.plan, lead, world.bridge)
    with pytest.raises(ProgrammeError, match="already in the programme"):
        prescribe_exercise(world.plan, lead, world.bridge, Dose(), expected_version=1)
    with pytest.raises(ProgrammeError, match="Nothing changed"):
        change_dose(world.plan, lead, world.bridge, Dose(), expected_version=1)
    assert Programme.objects.get(plan=world.plan).version == 1


def test_a_finished_plan_takes_no_changes(programme_world: ProgrammeWorld):
    world = programme_world
    type(world.plan).objects.filter(pk=world.plan.pk).update(status=CarePlanStatus.COMPLETED)
    world.plan.refresh_from_db()
    with pytest.raises(ProgrammeError):
        prescribe_exercise(world.plan, world.team.lead, world.bridge, Dose(), expected_version=0)
