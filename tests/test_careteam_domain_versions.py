"""Optimistic locking: a save based on a stale version is refused with the current values;
every change lands in the plan's history as old → new."""

import datetime

import pytest

from audit.models import AuditEvent
from careteam.models import (
    Activity,
    ActivityKind,
    CarePlan,
    Discipline,
    Goal,
    GoalAchievementStatus,
)
from careteam.services import (
    StaleVersionError,
    add_precaution,
    create_activity,
    create_goal,
    delete_goal,
    plan_history,
    update_activity,
    update_goal,
    update_plan,
    update_precaution,
)


def test_stale_plan_save_is_refused_with_current_values(care_team):
    mine = CarePlan.objects.get(pk=care_team.plan.pk)
    theirs = CarePlan.objects.get(pk=care_team.plan.pk)
    update_plan(theirs, care_team.lead, theirs.version, patient_summary="Theirs")

    with pytest.raises(StaleVersionError) as conflict:
        update_plan(mine, care_team.lead, mine.version, patient_summary="Mine")
    error = conflict.value
    assert error.current_values["patient_summary"] == "Theirs"
    assert error.current_version == 2 and error.expected_version == 1
    assert error.changed_by == care_team.lead
    assert "version 1" in str(error) and "version 2" in str(error)
    assert mine.patient_summary == care_team.plan.patient_summary  # not left half-applied

    stored = CarePlan.objects.get(pk=care_team.plan.pk)
    assert (stored.patient_summary, stored.version) == ("Theirs", 2)


def test_expected_version_is_what_counts_not_the_loaded_instance(care_team):
    plan = care_team.plan
    update_plan(plan, care_team.lead, 1, title="Second")
    # The form was rendered at version 1: the instance is fresh, the edit is not.
    with pytest.raises(StaleVersionError):
        update_plan(plan, care_team.lead, 1, title="Third")
    assert CarePlan.objects.get(pk=plan.pk).title == "Second"


def test_goal_and_activity_edits_are_versioned_and_leave_history(care_team):
    physio, plan = care_team.physio, care_team.plan
    section = care_team.section(Discipline.PHYSICAL_THERAPY)
    goal = create_goal(section, physio, description="Walk 30 minutes without a flare")
    activity = create_activity(
        section,
        physio,
        kind=ActivityKind.EXERCISE,
        title="Dead bug, slow",
        schedule="daily",
        instructions="Keep your lower back flat; stop before it hurts.",
    )
    stale_goal = Goal.objects.get(pk=goal.pk)
    update_goal(
        goal, physio, 1, achievement_status=GoalAchievementStatus.IMPROVING, target="30 min"
    )
    with pytest.raises(StaleVersionError) as conflict:
        update_goal(stale_goal, care_team.lead, 1, target="20 min")
    assert conflict.value.current_values["target"] == "30 min"

    update_activity(activity, physio, 1, schedule="3 times a week")
    assert Activity.objects.get(pk=activity.pk).version == 2

    changes = {
        (event.target_content_type.model, event.target_object_id): event.changes
        for event in plan_history(plan, care_team.contributor)
        .filter(action="changed")
        .select_related("target_content_type")
    }
    assert changes["goal", str(goal.pk)] == {
        "achievement_status": ["in-progress", "improving"],
        "target": ["", "30 min"],
    }
    assert changes["activity", str(activity.pk)] == {"schedule": ["daily", "3 times a week"]}


def test_delete_needs_the_current_version(care_team):
    section = care_team.section(Discipline.MENTAL_HEALTH)
    goal = create_goal(section, care_team.mental_health, description="Use pacing daily")
    update_goal(goal, care_team.mental_health, 1, measure="days a week")
    with pytest.raises(StaleVersionError):
        delete_goal(Goal.objects.get(pk=goal.pk), care_team.mental_health, 1)
    assert Goal.objects.filter(pk=goal.pk).exists()
    delete_goal(goal, care_team.mental_health, 2)
    assert not Goal.objects.filter(pk=goal.pk).exists()
    deleted = AuditEvent.objects.for_plan(care_team.plan).get(action="deleted")
    assert deleted.detail["values"]["description"] == "Use pacing daily"
    with pytest.raises(StaleVersionError) as conflict:
        update_goal(goal, care_team.mental_health, 2, measure="x")
    assert conflict.value.current is None
    assert "deleted" in str(conflict.value)


def test_plan_history_shows_who_changed_what_and_when(care_team):
    plan, lead = care_team.plan, care_team.lead
    update_plan(
        plan,
        lead,
        1,
        status="active",
        period_start=datetime.date(2026, 1, 5),
        red_flag_guidance="New leg numbness: go to the emergency department now.",
    )
    precaution = add_precaution(plan, lead, description="No deep or end-range stretching")
    update_precaution(precaution, lead, 1, description="No deep stretching of any kind")
    update_plan(plan, lead, 2, status="active")  # no difference, no new version

    history = list(plan_history(plan, care_team.contributor))
    plan_change = next(e for e in history if e.action == "changed" and e.object_repr == plan.title)
    assert plan_change.actor == lead and plan_change.occurred_at is not None
    assert plan_change.changes == {
        "status": ["draft", "active"],
        "period_start": [None, "2026-01-05"],
        "red_flag_guidance": ["", "New leg numbness: go to the emergency department now."],
    }
    precaution_change = next(e for e in history if e.target_object_id == str(precaution.pk))
    assert precaution_change.changes["description"] == [
        "No deep or end-range stretching",
        "No deep stretching of any kind",
    ]
    assert not [e for e in history if e.action == "viewed"]
    plan.refresh_from_db()
    assert plan.version == 2 and plan.updated_by == lead
    assert plan.last_activity_at >= plan.updated_at
