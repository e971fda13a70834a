"""Team membership: grants follow joining and leaving, one active lead, handover."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEvent
from careteam.grants import can_create_plans, perms_on, plans_for_user, user_can
from careteam.models import CareTeamMembership, Discipline, TeamNote, TeamRole
from careteam.policy import ROLE_GRANTS
from careteam.services import (
    CareAccessDenied,
    add_member,
    add_team_note,
    create_provider,
    find_provider_user,
    hand_over_lead,
    list_team_notes,
    readable_notes,
    record_plan_view,
    remove_member,
)
from tests.careteam_domain_fixtures import make_provider, make_user


def test_joining_grants_and_leaving_revokes_at_once(care_team):
    plan, lead, newcomer = care_team.plan, care_team.lead, care_team.outsider
    assert not user_can(newcomer, "view_careplan", plan)

    membership = add_member(plan, lead, newcomer, TeamRole.PHYSICAL_THERAPY)
    assert perms_on(newcomer, plan) == ROLE_GRANTS[TeamRole.PHYSICAL_THERAPY]
    note = add_team_note(plan, newcomer, "Started stabilisation work.")

    remove_member(plan, lead, newcomer)
    assert perms_on(newcomer, plan) == frozenset()
    assert not plans_for_user(newcomer).exists()
    with pytest.raises(CareAccessDenied):
        record_plan_view(plan, newcomer)
    with pytest.raises(CareAccessDenied):
        add_team_note(plan, newcomer, "One more thing")

    # Their past entry stays, attributed to them; their membership row is ended, not gone.
    note.refresh_from_db()
    assert note.author == newcomer
    assert note in list_team_notes(plan, lead)
    membership.refresh_from_db()
    assert membership.left_at is not None and membership.removed_by == lead
    granted, revoked = (
        AuditEvent.objects.for_plan(plan)
        .filter(detail__user=newcomer.username, action__in=["granted", "revoked"])
        .order_by("pk")
    )
    assert (granted.action, revoked.action) == ("granted", "revoked")
    assert granted.detail["permissions"] == sorted(ROLE_GRANTS[TeamRole.PHYSICAL_THERAPY])


def test_a_removed_member_can_rejoin(care_team):
    remove_member(care_team.plan, care_team.lead, care_team.physio)
    add_member(care_team.plan, care_team.lead, care_team.physio, TeamRole.PHYSICAL_THERAPY)
    assert user_can(care_team.physio, "edit_own_section", care_team.plan)
    assert care_team.plan.memberships.filter(user=care_team.physio).count() == 2


def test_only_providers_with_the_right_discipline_join(care_team):
    plan, lead = care_team.plan, care_team.lead
    with pytest.raises(ValidationError, match="Only active providers"):
        add_member(plan, lead, make_user("patient.person"), TeamRole.CONTRIBUTOR)
    # A physical therapist cannot take the mental-health role (and its private notes).
    with pytest.raises(ValidationError):
        add_member(plan, lead, care_team.outsider, TeamRole.MENTAL_HEALTH)
    with pytest.raises(ValidationError, match="one lead"):
        add_member(plan, lead, care_team.spare_physician, TeamRole.LEAD)
    with pytest.raises(ValidationError, match="already on the team"):
        add_member(plan, lead, care_team.physio, TeamRole.CONTRIBUTOR)
    assert not user_can(care_team.outsider, "view_careplan", plan)


def test_the_lead_cannot_be_removed_without_a_handover(care_team):
    with pytest.raises(ValidationError, match="hand the lead over"):
        remove_member(care_team.plan, care_team.lead, care_team.lead)
    assert user_can(care_team.lead, "manage_team", care_team.plan)


def test_the_database_allows_one_active_lead_per_plan(care_team):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMembership.objects.create(
            plan=care_team.plan, user=care_team.spare_physician, role=TeamRole.LEAD
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CareTeamMembership.objects.create(
            plan=care_team.plan, user=care_team.physio, role=TeamRole.CONTRIBUTOR
        )
    # A lead who has left does not count.
    CareTeamMembership.objects.filter(plan=care_team.plan, role=TeamRole.LEAD).update(
        left_at="2026-01-01T00:00:00Z"
    )
    CareTeamMembership.objects.create(
        plan=care_team.plan, user=care_team.spare_physician, role=TeamRole.LEAD
    )


def test_handing_over_the_lead(care_team):
    plan, old_lead, new_lead = care_team.plan, care_team.lead, care_team.spare_physician
    hand_over_lead(plan, old_lead, new_lead)

    assert perms_on(new_lead, plan) == ROLE_GRANTS[TeamRole.LEAD]
    assert perms_on(old_lead, plan) == ROLE_GRANTS[TeamRole.CONTRIBUTOR]
    active = dict(plan.memberships.active().values_list("user__username", "role"))
    assert active[new_lead.username] == "lead" and active[old_lead.username] == "contributor"
    assert plan.memberships.active().filter(role="lead").count() == 1
    with pytest.raises(CareAccessDenied):
        hand_over_lead(plan, old_lead, old_lead)


def test_handing_over_to_a_member_and_leaving(care_team):
    plan = care_team.plan
    physician = make_provider("second.doc", Discipline.PAIN_MANAGEMENT)
    add_member(plan, care_team.lead, physician, TeamRole.CONTRIBUTOR)
    hand_over_lead(plan, care_team.lead, physician, former_lead_role=None)
    assert plan.memberships.active().get(user=physician).role == "lead"
    assert not plan.memberships.active().filter(user=care_team.lead).exists()
    assert not user_can(care_team.lead, "view_careplan", plan)


def test_handover_needs_a_pain_physician_and_a_fitting_former_role(care_team):
    plan, lead = care_team.plan, care_team.lead
    with pytest.raises(ValidationError):
        hand_over_lead(plan, lead, care_team.physio)
    with pytest.raises(ValidationError):
        hand_over_lead(
            plan, lead, care_team.spare_physician, former_lead_role=TeamRole.MENTAL_HEALTH
        )
    with pytest.raises(ValidationError, match="already the lead"):
        hand_over_lead(plan, lead, lead)
    assert plan.memberships.active().get(role="lead").user == lead
    assert not user_can(care_team.spare_physician, "view_careplan", plan)


def test_team_notes_readable_by_follows_membership(care_team):
    note = add_team_note(care_team.plan, care_team.contributor, "Called the patient.")
    assert list(readable_notes(TeamNote, care_team.physio)) == [note]
    assert not readable_notes(TeamNote, care_team.outsider).exists()
    remove_member(care_team.plan, care_team.lead, care_team.contributor)
    assert not readable_notes(TeamNote, care_team.contributor).exists()


def test_provider_discipline_decides_the_plan_creation_right(db):
    user = make_user("switcher")
    create_provider(user, discipline=Discipline.PAIN_MANAGEMENT)
    assert can_create_plans(user)
    create_provider(user, discipline=Discipline.NURSING, credentials="RN")
    assert not can_create_plans(user)
    assert user.provider_profile.credentials == "RN"


def test_find_provider_user_by_username_or_email(care_team):
    assert find_provider_user("T.PHYSIO") == care_team.physio
    assert find_provider_user("t.mind@clinic.example") == care_team.mental_health
    assert find_provider_user("plain.user@clinic.example") is None
    make_user("plain.user")
    assert find_provider_user("plain.user") is None  # not a provider
    assert find_provider_user("  ") is None
