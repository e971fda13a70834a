"""The plan page with everything on it (open and acknowledged red-flag alerts, check-ins,
every questionnaire's results, assigned reading, a team's notes and psychotherapy notes,
changes since the last visit) takes a fixed number of queries, within the budget, however
much there is."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from careteam.models import Discipline
from careteam.services import add_private_note, add_team_note, create_goal
from patientportal.models import AlertOutcome, RedFlag
from patientportal.services.alerts import acknowledge_alert, open_alerts_for_plan
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from questionnaires.instruments import INSTRUMENTS, PSFS
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

# The budget (issue 13): a plan page in at most 20 queries, whatever the plan holds.
PLAN_PAGE_QUERY_BUDGET = 20


def add_everything(world, site_tree, number: int) -> None:
    """One more of every kind of record the plan page shows."""
    team, plan = world.team, world.plan
    record_check_in(world.patient, world.patient_user, pain_score=4, note=f"Week {number}")
    record_check_in(
        world.patient,
        world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    for instrument in INSTRUMENTS.values():
        answers = dict.fromkeys(instrument.item_keys, 2)
        if instrument is PSFS:
            answers = {"activity_1": {"name": "Stairs", "rating": 2}}
        record_questionnaire(world.patient, world.patient_user, instrument, answers)
    acknowledge_alert(
        open_alerts_for_plan(plan).last(), team.lead, outcome=AlertOutcome.CALLED_PATIENT
    )
    page = make_article(site_tree.articles, f"Pacing, part {number}")
    assign_reading(plan, team.lead, page, note="Before the next visit", notify=False)
    add_team_note(plan, team.physio, f"Balance work, week {number}.")
    add_private_note(plan, team.mental_health, f"Session {number}: coping plan reviewed.")
    create_goal(
        team.section(Discipline.PHYSICAL_THERAPY),
        team.physio,
        description=f"Single-leg stand, stage {number}",
    )


def plan_page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["lead", "mental_health"])
def test_a_full_plan_page_takes_the_same_queries_within_budget_however_much_it_holds(
    portal_world, site_tree, role
):
    client = Client()
    client.force_login(getattr(portal_world.team, role))
    url = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    add_everything(portal_world, site_tree, 1)
    client.get(url)  # the first visit; from the second on, "since your last visit" is shown
    add_everything(portal_world, site_tree, 2)
    small = plan_page_queries(client, url)
    for number in range(3, 9):
        add_everything(portal_world, site_tree, number)
    large = plan_page_queries(client, url)
    html = client.get(url).content.decode()
    assert "Red-flag" in html and "Week 8" in html and "Pacing, part 8" in html
    assert small == large, f"{small} queries with a little, {large} with more of everything"
    assert large <= PLAN_PAGE_QUERY_BUDGET
