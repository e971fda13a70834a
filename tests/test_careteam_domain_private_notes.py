"""Psychotherapy notes reach the plan's mental-health members and nobody else."""

import pytest

from audit.models import AuditEvent
from careteam.models import Discipline, PrivateNote, TeamRole
from careteam.services import (
    CareAccessDenied,
    add_member,
    add_private_note,
    list_private_notes,
    plan_audit_trail,
    plan_history,
    readable_notes,
    remove_member,
)
from tests.careteam_domain_fixtures import make_plan, make_provider, make_user

SECRET = "Discussed fear of movement after the fall in 2019."


@pytest.fixture
def private_note(care_team):
    return add_private_note(care_team.plan, care_team.mental_health, SECRET)


def test_mental_health_member_reads_and_writes(care_team, private_note):
    notes = list(list_private_notes(care_team.plan, care_team.mental_health))
    assert notes == [private_note]
    assert notes[0].author == care_team.mental_health
    viewed = AuditEvent.objects.for_plan(care_team.plan).filter(action="viewed").latest("pk")
    assert viewed.detail == {"what": "private_notes"}


@pytest.mark.parametrize("who", ["lead", "physio", "contributor", "outsider", "superuser"])
def test_nobody_else_reaches_them(care_team, private_note, who):
    user = (
        make_user("root", is_superuser=True, is_staff=True)
        if who == "superuser"
        else getattr(care_team, who)
    )
    with pytest.raises(CareAccessDenied):
        list_private_notes(care_team.plan, user)
    with pytest.raises(CareAccessDenied):
        add_private_note(care_team.plan, user, "Mine")
    assert not readable_notes(PrivateNote, user).exists()
    assert PrivateNote.objects.count() == 1


def test_a_mental_health_professional_on_another_team_sees_none(care_team, private_note):
    other_lead = make_provider("other.lead", Discipline.PAIN_MANAGEMENT)
    other_mind = make_provider("other.mind", Discipline.MENTAL_HEALTH)
    other_plan = make_plan(other_lead, "T-0099")
    add_member(other_plan, other_lead, other_mind, TeamRole.MENTAL_HEALTH)
    assert not readable_notes(PrivateNote, other_mind).exists()
    with pytest.raises(CareAccessDenied):
        list_private_notes(care_team.plan, other_mind)


def test_access_ends_when_the_member_leaves(care_team, private_note):
    remove_member(care_team.plan, care_team.lead, care_team.mental_health)
    assert not readable_notes(PrivateNote, care_team.mental_health).exists()
    with pytest.raises(CareAccessDenied):
        list_private_notes(care_team.plan, care_team.mental_health)
    private_note.refresh_from_db()
    assert private_note.author == care_team.mental_health


def test_history_and_audit_trail_never_carry_the_text(care_team, private_note):
    lead_history = plan_history(care_team.plan, care_team.lead)
    assert not any("Private note" in event.object_repr for event in lead_history)
    mind_history = plan_history(care_team.plan, care_team.mental_health)
    assert any(
        (event.target_content_type.model, event.target_object_id)
        == ("privatenote", str(private_note.pk))
        for event in mind_history
    )
    for event in plan_audit_trail(care_team.plan, care_team.lead):
        assert SECRET not in str(event.detail) and SECRET not in event.object_repr
