"""Two editors save the same plan version at the same moment: one wins, the other is told;
two simultaneous lead handovers leave exactly one lead; a member removed while their change
is on its way is refused.

Runs on PostgreSQL only (real row locks, separate connections per thread)."""

import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, CareTeamMembership, Discipline, Goal, Patient
from careteam.services import (
    CareAccessDenied,
    StaleVersionError,
    add_team_note,
    create_goal,
    hand_over_lead,
    remove_member,
    update_goal,
    update_plan,
)
from tests.careteam_domain_fixtures import build_care_team, make_provider

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db,
]

PREFIX = "race"


def _remove_committed_data() -> None:
    """Delete what these tests committed: users named race.*, their plans and patients, and
    the audit rows about them (with the append-only trigger paused for this transaction)."""
    users = get_user_model().objects.filter(username__startswith=f"{PREFIX}.")
    user_ids = list(users.values_list("pk", flat=True))
    plan_ids = list(
        CareTeamMembership.objects.filter(user_id__in=user_ids)
        .values_list("plan_id", flat=True)
        .distinct()
    )
    patient_ids = list(
        Patient.objects.filter(record_number__startswith=f"{PREFIX.upper()}-").values_list(
            "pk", flat=True
        )
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # The owner's rights for this clean-up: tests run as the application's role, which
        # may not alter or delete from the audit table (tests/audit_role_fixtures.py).
        cursor.execute("SET LOCAL ROLE NONE")
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(
            "DELETE FROM audit_auditevent WHERE actor_id = ANY(%s) OR care_plan_id = ANY(%s)"
            " OR patient_id = ANY(%s)",
            [user_ids, plan_ids, patient_ids],
        )
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
        CarePlan.objects.filter(pk__in=plan_ids).delete()
        Patient.objects.filter(pk__in=patient_ids).delete()
        users.delete()


def _on_own_connection(work):
    """Run ``work`` in a thread, on that thread's own autocommit connection."""
    result: dict[str, object] = {}

    def run():
        try:
            result["value"] = work()
        except BaseException as error:  # handed back to the caller below
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "work on its own connection did not finish"
    if "error" in result:
        raise result["error"]
    return result.get("value")


@pytest.fixture
def committed_team(db):
    """A care team committed for real, so that every thread's connection sees it.

    Built and removed on connections of their own, outside the test's rolled-back
    transaction. Not ``django_db(transaction=True)``: its flush would also empty what the
    migrations put in the test database (Wagtail's root page, groups), which ``--reuse-db``
    keeps for the next run and other tests rely on. The tests themselves only read on
    the main connection, so they hold no lock the removal would wait for.
    """
    _on_own_connection(_remove_committed_data)  # left over from an interrupted run
    yield _on_own_connection(lambda: build_care_team(PREFIX))
    _on_own_connection(_remove_committed_data)


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
    assert not any(thread.is_alive() for thread in threads), "an editor never finished"
    return outcomes


def test_two_editors_one_version_exactly_one_wins(committed_team):
    plan_id, lead = committed_team.plan.pk, committed_team.lead

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


def test_lead_and_physio_racing_on_one_goal(committed_team):
    section = committed_team.section(Discipline.PHYSICAL_THERAPY)
    goal_id = _on_own_connection(
        lambda: create_goal(section, committed_team.physio, description="Walk 20 minutes").pk
    )

    def load():
        return Goal.objects.select_related("section__plan").get(pk=goal_id)

    outcomes = _race(
        [
            ("lead", load, lambda g: update_goal(g, committed_team.lead, 1, target="30 min")),
            ("physio", load, lambda g: update_goal(g, committed_team.physio, 1, target="25 min")),
        ]
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes.values()) == [
        "StaleVersionError",
        "str",
    ]
    assert Goal.objects.get(pk=goal_id).version == 2


def test_two_simultaneous_handovers_leave_exactly_one_lead(committed_team):
    plan_id, lead = committed_team.plan.pk, committed_team.lead
    candidates = {
        "first": committed_team.spare_physician,
        "second": _on_own_connection(lambda: make_provider(f"{PREFIX}.doc2", "pain_management")),
    }
    outcomes: dict[str, object] = {}
    loaded = threading.Barrier(2)

    def run(name):
        try:
            plan = CarePlan.objects.get(pk=plan_id)
            loaded.wait(timeout=10)
            hand_over_lead(plan, lead, candidates[name])
            outcomes[name] = "saved"
        except (ValidationError, CareAccessDenied) as error:
            outcomes[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(name,)) for name in candidates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an editor never finished"

    # The second waits for the first, and by then its actor is no longer the lead.
    assert sorted(type(outcome).__name__ for outcome in outcomes.values()) == [
        "CareAccessDenied",
        "str",
    ], outcomes
    loser = next(outcome for outcome in outcomes.values() if outcome != "saved")
    assert loser.status_code == 403
    leads = CareTeamMembership.objects.active().filter(plan_id=plan_id, role="lead")
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert [membership.user for membership in leads] == [candidates[winner]]


def _someone_waits_for_a_lock(timeout: float = 20) -> bool:
    """Poll (from this connection) until another backend of ours waits on a row lock.

    Inside a transaction PostgreSQL keeps one statistics snapshot, so clear it each time."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        # pg_stat_activity shows another session's waits only to its own (login) role; tests
        # run as the application's role (tests/audit_role_fixtures.py). Until this commits.
        cursor.execute("SET LOCAL ROLE NONE")
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def _change_while_being_removed(committed_team, member, change):
    """The lead removes ``member`` in a transaction that stays open until ``member``'s
    ``change`` (started once the removal is written, not yet committed) waits on a lock;
    then the removal commits. Returns what the change raised, or "saved"."""
    plan_id, lead = committed_team.plan.pk, committed_team.lead
    removed = threading.Event()
    outcomes: dict[str, object] = {}

    def remove():
        try:
            with transaction.atomic():
                remove_member(CarePlan.objects.get(pk=plan_id), lead, member)
                removed.set()
                outcomes["waited"] = _someone_waits_for_a_lock()
        finally:
            removed.set()
            connection.close()

    def edit():
        try:
            assert removed.wait(timeout=20)
            change(CarePlan.objects.get(pk=plan_id))
            outcomes["change"] = "saved"
        except CareAccessDenied as error:
            outcomes["change"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=remove), threading.Thread(target=edit)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a connection never finished"
    assert outcomes.get("waited"), "the change never waited for the removal"
    return outcomes["change"]


def test_goal_change_racing_the_members_removal_is_refused(committed_team):
    physio = committed_team.physio
    section = committed_team.section(Discipline.PHYSICAL_THERAPY)
    goal_id = _on_own_connection(
        lambda: create_goal(section, physio, description="Walk 20 minutes").pk
    )

    def change(plan):
        update_goal(
            Goal.objects.select_related("section__plan").get(pk=goal_id),
            physio,
            1,
            target="Walk 40 minutes",
        )

    outcome = _change_while_being_removed(committed_team, physio, change)

    assert isinstance(outcome, CareAccessDenied), outcome
    assert outcome.status_code == 404  # no longer on the team: the plan is hidden
    goal = Goal.objects.get(pk=goal_id)
    assert (goal.target, goal.version) == ("", 1)
    assert AuditEvent.objects.filter(
        actor=physio, action=AuditAction.DENIED, care_plan_id=committed_team.plan.pk
    ).exists()


def test_team_note_racing_the_members_removal_is_refused(committed_team):
    member = committed_team.contributor

    outcome = _change_while_being_removed(
        committed_team, member, lambda plan: add_team_note(plan, member, "Seen today.")
    )

    assert isinstance(outcome, CareAccessDenied), outcome
    assert not committed_team.plan.team_notes.filter(author=member).exists()
