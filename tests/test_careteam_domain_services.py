"""The role table through the services, with the audit records each call leaves."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.models import AuditAction, AuditEvent
from careteam.models import ActivityKind, Discipline, TeamRole
from careteam.services import (
    CareAccessDenied,
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_activity,
    create_care_plan,
    create_goal,
    create_patient,
    get_plan_for_user,
    hand_over_lead,
    list_private_notes,
    plan_audit_trail,
    plan_history,
    record_plan_view,
    remove_member,
    update_plan,
)
from tests.careteam_domain_fixtures import make_provider, make_user

MEMBERS = ("lead", "physical_therapy", "mental_health", "contributor")


def _actions(team):
    """Each service call of the matrix, as a function of the acting user."""
    return {
        "view": lambda u: record_plan_view(team.plan, u),
        "history": lambda u: plan_history(team.plan, u),
        "edit_plan": lambda u: update_plan(team.plan, u, team.plan.version, title="Renamed"),
        "add_precaution": lambda u: add_precaution(team.plan, u, description="No deep stretch"),
        "goal_in_pain_section": lambda u: create_goal(
            team.section(Discipline.PAIN_MANAGEMENT), u, description="Pain 4/10 or less"
        ),
        "goal_in_physio_section": lambda u: create_goal(
            team.section(Discipline.PHYSICAL_THERAPY), u, description="Walk 30 minutes"
        ),
        "activity_in_mental_health_section": lambda u: create_activity(
            team.section(Discipline.MENTAL_HEALTH),
            u,
            kind=ActivityKind.COPING_STRATEGY,
            title="Paced breathing",
        ),
        "team_note": lambda u: add_team_note(team.plan, u, "Seen today."),
        "write_private_note": lambda u: add_private_note(team.plan, u, "Session notes."),
        "read_private_notes": lambda u: list(list_private_notes(team.plan, u)),
        "add_member": lambda u: add_member(
            team.plan, u, team.spare_physician, TeamRole.CONTRIBUTOR
        ),
        "remove_member": lambda u: remove_member(team.plan, u, team.contributor),
        "hand_over_lead": lambda u: hand_over_lead(team.plan, u, team.spare_physician),
        "audit_trail": lambda u: list(plan_audit_trail(team.plan, u)),
    }


ALLOWED = {
    "view": set(MEMBERS),
    "history": set(MEMBERS),
    "edit_plan": {"lead"},
    "add_precaution": {"lead"},
    "goal_in_pain_section": {"lead"},
    "goal_in_physio_section": {"lead", "physical_therapy"},
    "activity_in_mental_health_section": {"lead", "mental_health"},
    "team_note": set(MEMBERS),
    "write_private_note": {"mental_health"},
    "read_private_notes": {"mental_health"},
    "add_member": {"lead"},
    "remove_member": {"lead"},
    "hand_over_lead": {"lead"},
    "audit_trail": {"lead"},
}


def _actor(team, who):
    if who in MEMBERS:
        return team.by_role(who)
    if who == "outsider":
        return team.outsider
    if who == "superuser":
        return make_user("root", is_superuser=True, is_staff=True)
    if who == "removed":
        remove_member(team.plan, team.lead, team.physio)
        return team.physio
    raise AssertionError(who)


@pytest.mark.parametrize("action", sorted(ALLOWED))
@pytest.mark.parametrize("who", [*MEMBERS, "outsider", "superuser", "removed"])
def test_service_matrix(care_team, action, who):
    actor = _actor(care_team, who)
    call = _actions(care_team)[action]
    denials_before = AuditEvent.objects.filter(action=AuditAction.DENIED).count()
    if who in ALLOWED[action]:
        call(actor)
        return
    with pytest.raises(CareAccessDenied) as refused:
        call(actor)
    # Members get 403 (they know the plan); everyone else 404 (it stays hidden).
    assert refused.value.status_code == (403 if who in MEMBERS else 404)
    denial = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("pk")
    assert AuditEvent.objects.filter(action=AuditAction.DENIED).count() == denials_before + 1
    assert denial.actor == actor
    assert denial.care_plan_id == care_team.plan.pk
    assert denial.patient_id == care_team.plan.patient_id


def test_get_plan_for_user_hides_plans_and_records_denials(care_team):
    assert get_plan_for_user(care_team.contributor, str(care_team.plan.pk)) == care_team.plan
    for plan_id in (care_team.plan.pk, 999999, "not-a-number", 10**30, -1):
        with pytest.raises(CareAccessDenied) as refused:
            get_plan_for_user(care_team.outsider, plan_id)
        assert refused.value.status_code == 404
    assert (
        AuditEvent.objects.filter(actor=care_team.outsider, action=AuditAction.DENIED).count() == 5
    )
    with pytest.raises(CareAccessDenied) as refused:
        get_plan_for_user(care_team.physio, care_team.plan.pk, "manage_team")
    assert refused.value.status_code == 403


def test_creating_a_plan_makes_the_physician_its_lead(db):
    doctor = make_provider("doc", Discipline.PAIN_MANAGEMENT)
    patient = create_patient(
        doctor,
        given_name="Robin",
        family_name="Quill",
        date_of_birth=datetime.date(1988, 2, 3),
        record_number="NB-1",
    )
    plan = create_care_plan(doctor, patient, title="Core stability", status="active")
    membership = plan.memberships.get()
    assert (membership.user, membership.role, membership.left_at) == (doctor, "lead", None)
    assert set(plan.sections.values_list("discipline", flat=True)) == {
        "pain_management",
        "physical_therapy",
        "mental_health",
    }
    actions = set(AuditEvent.objects.for_plan(plan).values_list("action", flat=True))
    assert actions == {"created", "granted"}
    assert AuditEvent.objects.for_patient(patient).filter(action="created").count() == 2


@pytest.mark.parametrize("discipline", ["physical_therapy", "mental_health", "nursing"])
def test_only_pain_physicians_create_patients_and_plans(care_team, discipline):
    provider = make_provider("other", discipline)
    with pytest.raises(CareAccessDenied) as refused:
        create_patient(
            provider,
            given_name="A",
            family_name="B",
            date_of_birth=datetime.date(2000, 1, 1),
            record_number="X-1",
        )
    assert refused.value.status_code == 403
    with pytest.raises(CareAccessDenied):
        create_care_plan(provider, care_team.plan.patient, title="Mine")
    assert AuditEvent.objects.filter(actor=provider, action="denied").count() == 2


def test_duplicate_record_number_is_a_validation_error(care_team):
    with pytest.raises(ValidationError) as error:
        create_patient(
            care_team.lead,
            given_name="Other",
            family_name="Person",
            date_of_birth=datetime.date(1970, 1, 1),
            record_number=care_team.plan.patient.record_number,
        )
    assert "record_number" in error.value.message_dict


def test_bad_values_are_validation_errors_and_change_nothing(care_team):
    plan = care_team.plan
    with pytest.raises(ValidationError):
        update_plan(plan, care_team.lead, plan.version, status="finished")
    with pytest.raises(ValidationError):
        update_plan(
            plan,
            care_team.lead,
            plan.version,
            period_start=datetime.date(2026, 5, 1),
            period_end=datetime.date(2026, 4, 1),
        )
    with pytest.raises(ValidationError):
        add_team_note(plan, care_team.physio, "   ")
    plan.refresh_from_db()
    assert (plan.status, plan.version, plan.period_end) == ("draft", 1, None)


def test_viewing_records_a_viewed_event(care_team):
    event = record_plan_view(care_team.plan, care_team.contributor)
    assert (event.action, event.actor, event.care_plan_id) == (
        "viewed",
        care_team.contributor,
        care_team.plan.pk,
    )
    assert event.actor_username == "t.nurse"
