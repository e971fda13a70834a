"""Two editors save the same plan version at the same moment: one wins, the other is told.

Runs on PostgreSQL only (real row locks, separate connections per thread)."""

import threading

import pytest
from django.db import connection

from careteam.models import CarePlan, Discipline, Goal
from careteam.services import StaleVersionError, create_goal, update_goal, update_plan

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
