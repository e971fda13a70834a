"""Goal progress on the patient's plan comes from their check-ins: the goal's measure and
target read as a pain limit, against each day they checked in over the last two weeks."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from careteam.models import Discipline, Goal
from careteam.services import create_goal
from patientportal.charts import TrendPoint
from patientportal.goal_progress import PainTarget, goal_progress, pain_target
from patientportal.models import CheckIn
from patientportal.services.checkins import record_check_in

TODAY = datetime.date(2026, 11, 30)


def pain_goal(target="4 or less", **fields) -> Goal:
    return Goal(
        description="Less pain", measure="Average daily pain, 0 to 10", target=target, **fields
    )


def days_ago(*scores: int, start: int = 0) -> list[TrendPoint]:
    return [
        TrendPoint(TODAY - datetime.timedelta(days=start + number), score)
        for number, score in enumerate(scores)
    ]


@pytest.mark.parametrize(
    ("measure", "description", "target", "expected"),
    [
        ("Average daily pain on the 0–10 scale", "", "4 or less on 5 days out of 7", (4, (5, 7))),
        ("Worst pain at work", "", "4 or less", (4, None)),
        ("", "Pain 4/10 or lower on most days", "", (4, None)),
        ("", "Pain 4 out of 10 or less on most days", "", (4, None)),
        ("Pain score", "", "at most 3 on 4 of 7 days", (3, (4, 7))),
        ("Pain score", "", "below 5", (4, None)),
        ("Continuous walking time", "Walk 30 minutes", "30 minutes", None),
        ("Flares where a coping skill was used", "", "4 out of 5 flares", None),
        ("Pain score", "", "less pain when sitting", None),
        ("Pain score", "", "12 or less", None),
    ],
)
def test_a_goals_target_is_read_as_a_pain_limit_only_when_it_is_one(
    measure, description, target, expected
):
    goal = Goal(measure=measure, description=description or "A goal", target=target)
    found = pain_target(goal)
    assert (None if found is None else (found.limit, found.share)) == expected


def test_the_days_needed_follow_the_named_share_or_else_most_days():
    assert PainTarget(4, (5, 7)).days_needed(7) == 5
    assert PainTarget(4, (5, 7)).days_needed(3) == 3
    assert PainTarget(4, None).days_needed(4) == 3
    assert PainTarget(4, None).days_needed(1) == 1


def test_progress_is_the_share_of_days_checked_in_that_met_the_target():
    # Today's two check-ins average 4.5 (a miss); two days ago 2 and three days ago 4 meet
    # the limit; four days ago 7 misses; a reading twenty days ago is too old to count.
    points = [
        TrendPoint(TODAY, 3),
        TrendPoint(TODAY, 6),
        *days_ago(2, 4, 7, start=2),
        TrendPoint(TODAY - datetime.timedelta(days=20), 0),
    ]
    progress = goal_progress(pain_goal("4 or less on 2 days out of 4"), points, TODAY)
    assert progress.state == "on-track" and progress.words == "On track"
    assert progress.percent == 50 and progress.bar_step == 5
    assert progress.detail == (
        "Your pain was 4 or less on 2 of the 4 days you checked in over the last two weeks."
    )
    missed = goal_progress(pain_goal("4 or less on 6 days out of 7"), points, TODAY)
    assert missed.state == "not-yet" and missed.words == "Not there yet" and missed.percent == 50


def test_a_goal_with_no_recent_check_ins_is_not_yet_measured():
    progress = goal_progress(pain_goal(), days_ago(2, start=15), TODAY)
    assert (progress.state, progress.words, progress.percent) == (
        "not-measured",
        "Not yet measured",
        None,
    )


def test_a_goal_the_check_ins_cannot_measure_gives_the_teams_view_without_a_bar():
    walking = Goal(description="Walk 30 minutes", measure="Walking time", target="30 minutes")
    progress = goal_progress(walking, days_ago(2, 2, 2), TODAY)
    assert (progress.state, progress.words, progress.percent) == ("team", "Working on it", None)
    walking.achievement_status = "improving"
    assert goal_progress(walking, [], TODAY).words == "Getting better"


def test_a_goal_the_team_marked_reached_says_so_whatever_the_check_ins_say():
    progress = goal_progress(pain_goal(achievement_status="achieved"), days_ago(9, 9), TODAY)
    assert (progress.state, progress.words, progress.percent) == ("reached", "Reached", 0)
    done = Goal(description="Walk 30 minutes", lifecycle_status="completed")
    assert goal_progress(done, [], TODAY).words == "Reached"


@pytest.mark.django_db
def test_the_plan_page_draws_each_goals_progress_from_the_patients_check_ins(client, portal_world):
    section = portal_world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    create_goal(
        section,
        portal_world.lead,
        description="Pain 3 or less on most days",
        measure="Pain on the 0 to 10 scale",
        target="3 or less",
    )
    client.force_login(portal_world.patient_user)
    url = reverse("patientportal:plan")

    def goal_item(html: str) -> str:
        return re.search(
            r'<li class="goal[^"]*">\s*<p class="goal__text"><strong>Pain 3.*?</li>', html, re.S
        ).group(0)

    before = goal_item(client.get(url).content.decode())
    assert "Not yet measured" in before and "progress__bar" not in before

    user, patient = portal_world.patient_user, portal_world.patient
    for days, score in ((1, 2), (2, 6), (3, 3)):
        check_in = record_check_in(patient, user, pain_score=score)
        CheckIn.objects.filter(pk=check_in.pk).update(
            recorded_at=timezone.now() - datetime.timedelta(days=days)
        )
    after = goal_item(client.get(url).content.decode())
    assert "On track." in after
    assert "Your pain was 3 or less on 2 of the 3 days" in after
    assert "progress__bar--7" in after
    # The walking goal of the fixture is not measured by check-ins, and has no bar.
    walking = re.search(
        r'<li class="goal goal--team">.*?</li>', client.get(url).content.decode(), re.S
    )
    assert "walk 30 minutes" in walking.group(0) and "progress__bar" not in walking.group(0)
