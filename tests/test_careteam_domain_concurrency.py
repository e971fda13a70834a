"""Two editors save the same plan version at the same moment: one wins, the other is told;
two simultaneous lead handovers leave exactly one lead.

Runs on PostgreSQL only (real row locks, separate connections per thread)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from careteam.models import CarePlan, CareTeamMembership, Discipline, Goal
from careteam.services import (
    StaleVersionError,
    create_goal,
    hand_over_lead,
    update_goal,
    update_plan,
)
from tests.careteam_domain_fixtures import make_provider

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def _race(edits):
    """Run each edit in its own thread and connection; all load, then all save at once."""
    loaded = threading.Barrier(len(edits))
    outcomes: dict[str, object] = {}

    def run(name, load, save):
        try:
            instance = load()
            loaded.wait(timeout=10)
            save(instance)
            outcomes[name] = "saved"
        except StaleVersionError as error:
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=edit) for edit in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_editors_one_version_exactly_one_wins(care_team):
    plan_id, lead = care_team.plan.pk, care_team.lead

    def load():
        return CarePlan.objects.get(pk=plan_id)

    def saver(summary):
        return lambda plan: update_plan(plan, lead, plan.version, patient_summary=summary)

    outcomes = _race(
        [
            ("first", load, saver("From the first editor")),
            ("second", load, saver("From the second")),
        ]
    )
    winners = [name for name, outcome in outcomes.items() if outcome == "saved"]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, StaleVersionError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes

    stored = CarePlan.objects.get(pk=plan_id)
    expected = {"first": "From the first editor", "second": "From the second"}[winners[0]]
    assert (stored.patient_summary, stored.version) == (expected, 2)
    assert losers[0].current_values["patient_summary"] == expected
    assert losers[0].current_version == 2


def test_lead_and_physio_racing_on_one_goal(care_team):
    section = care_team.section(Discipline.PHYSICAL_THERAPY)
    goal_id = create_goal(section, care_team.physio, description="Walk 20 minutes").pk

    def load():
        return Goal.objects.select_related("section__plan").get(pk=goal_id)

    outcomes = _race(
        [
            ("lead", load, lambda g: update_goal(g, care_team.lead, 1, target="30 min")),
            ("physio", load, lambda g: update_goal(g, care_team.physio, 1, target="25 min")),
        ]
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes.values()) == [
        "StaleVersionError",
        "str",
    ]
    assert Goal.objects.get(pk=goal_id).version == 2


def test_two_simultaneous_handovers_leave_exactly_one_lead(care_team):
    plan_id, lead = care_team.plan.pk, care_team.lead
    candidates = {
        "first": care_team.spare_physician,
        "second": make_provider("doc.two", "pain_management"),
    }
    outcomes: dict[str, object] = {}
    loaded = threading.Barrier(2)

    def run(name):
        try:
            plan = CarePlan.objects.get(pk=plan_id)
            loaded.wait(timeout=10)
            hand_over_lead(plan, lead, candidates[name])
            outcomes[name] = "saved"
        except ValidationError as error:
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(type(outcome).__name__ for outcome in outcomes.values()) == [
        "ValidationError",
        "str",
    ], outcomes
    leads = CareTeamMembership.objects.active().filter(plan_id=plan_id, role="lead")
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert [membership.user for membership in leads] == [candidates[winner]]
