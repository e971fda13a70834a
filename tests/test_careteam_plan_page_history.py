"""The plan page's history, read in one query: the newest changes, and what others changed
since the reader's previous visit, agree with the history read the plain way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from careteam.grants import perms_on
from careteam.models import Discipline
from careteam.services import (
    create_goal,
    plan_history,
    plan_page_history,
    record_plan_view,
)

pytestmark = pytest.mark.django_db


def visit(plan, user):
    record_plan_view(plan, user)
    return plan_page_history(plan, user, recent=10, limit=10)


def test_a_first_visit_has_no_changes_since_and_still_the_newest_history(care_team):
    shown = visit(care_team.plan, care_team.physio)
    assert shown.since_last_visit.last_visit is None
    assert shown.since_last_visit.changes == []
    newest = list(plan_history(care_team.plan, care_team.physio)[:10])
    assert [event.pk for event in shown.recent] == [event.pk for event in newest]


def test_changes_since_the_last_visit_leave_out_the_readers_own_and_say_there_are_more(
    care_team,
):
    plan, physio = care_team.plan, care_team.physio
    visit(plan, physio)
    section = care_team.section(Discipline.PAIN_MANAGEMENT)
    own_section = care_team.section(Discipline.PHYSICAL_THERAPY)
    for number in range(14):
        create_goal(section, care_team.lead, description=f"Lead's goal {number}")
        if number % 4 == 0:
            create_goal(own_section, physio, description=f"Physio's goal {number}")
    record_plan_view(plan, physio)
    known = perms_on(physio, plan)
    with CaptureQueriesContext(connection) as captured:
        plan_page_history(plan, physio, known_perms=known, recent=10, limit=10)
    assert len(captured) == 1
    shown = plan_page_history(plan, physio, recent=10, limit=10)
    history = list(plan_history(plan, physio))
    assert [event.pk for event in shown.recent] == [event.pk for event in history[:10]]
    since = shown.since_last_visit
    others = [event for event in history if event.actor_id != physio.pk]
    assert [event.pk for event in since.changes] == [event.pk for event in others[:10]]
    assert since.more is True
    assert all("Physio" not in event.object_repr for event in since.changes)


def test_a_few_changes_since_the_last_visit_are_all_shown_without_more(care_team):
    plan, physio = care_team.plan, care_team.physio
    visit(plan, physio)
    create_goal(care_team.section(Discipline.PAIN_MANAGEMENT), care_team.lead, description="A")
    create_goal(care_team.section(Discipline.PHYSICAL_THERAPY), physio, description="My own")
    since = visit(plan, physio).since_last_visit
    assert [event.object_repr for event in since.changes] == ["A"]
    assert since.more is False and since.last_visit is not None
