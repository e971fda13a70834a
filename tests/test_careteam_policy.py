"""The rulebook: every action has one name, one level and one sentence; the sentences live
only in the policy; views and services refuse under the same name; and the patient
portal's team writes are re-checked under the membership lock like careteam's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from careteam import grants
from careteam.models import CarePlan, Discipline, TeamRole
from careteam.policy import (
    PLAN_RULES,
    ROLE_GRANTS,
    ClinicAction,
    PatientAction,
    PlanAction,
    refusal,
    roles_allowed,
)
from careteam.services import CareAccessDenied, create_goal, remove_member
from patientportal.models import AlertOutcome, ReadingAssignment, RedFlag, RedFlagAlert
from patientportal.services import alerts, assigned_reading
from patientportal.services.checkins import record_check_in
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

LEAD, PT, MH, CONTRIBUTOR = (
    TeamRole.LEAD,
    TeamRole.PHYSICAL_THERAPY,
    TeamRole.MENTAL_HEALTH,
    TeamRole.CONTRIBUTOR,
)

# Written out from the clinic's role table (README), independently of the policy.
WHO_MAY = {
    PlanAction.VIEW: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.EDIT_PLAN: {LEAD},
    PlanAction.EDIT_PRECAUTIONS: {LEAD},
    PlanAction.EDIT_SECTION: {LEAD, PT, MH},
    PlanAction.ADD_TEAM_NOTE: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.PRIVATE_NOTES: {MH},
    PlanAction.VIEW_MENTAL_HEALTH_RESULTS: {MH},
    PlanAction.MANAGE_TEAM: {LEAD},
    PlanAction.HAND_OVER_LEAD: {LEAD},
    PlanAction.VIEW_AUDIT_TRAIL: {LEAD},
    PlanAction.ASSIGN_READING: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.ACKNOWLEDGE_ALERT: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.SCHEDULE_QUESTIONNAIRES: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES: {MH},
    PlanAction.READ_MESSAGES: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.SEND_MESSAGES: {LEAD, PT, MH, CONTRIBUTOR},
    PlanAction.MENTAL_HEALTH_THREADS: {MH},
    PlanAction.PRESCRIBE_EXERCISES: {LEAD, PT},
}
CODE_FOLDERS = ("careteam", "patientportal", "portal", "core", "audit", "config")


def test_every_plan_action_has_a_rule_and_the_roles_of_the_clinic_table():
    assert set(PLAN_RULES) == set(PlanAction) == set(WHO_MAY)
    for action, roles in WHO_MAY.items():
        assert roles_allowed(action) == roles, action


def test_roles_hold_only_grants_the_plan_model_declares():
    declared = {codename for codename, _ in CarePlan._meta.permissions} | {
        grants.VIEW,
        grants.CHANGE,
    }
    assert set().union(*ROLE_GRANTS.values()) <= declared
    assert set(grants.ALL_PLAN_GRANTS) == declared


@pytest.mark.parametrize("action", [*PlanAction, *PatientAction, *ClinicAction])
def test_each_refusal_sentence_is_written_once_in_the_policy_only(action):
    sentence = refusal(action)
    assert sentence.endswith("."), sentence
    policy_file = Path(settings.BASE_DIR) / "careteam" / "policy" / "actions.py"
    fragment = sentence[:40]
    for folder in CODE_FOLDERS:
        for path in (Path(settings.BASE_DIR) / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or path == policy_file:
                continue
            assert fragment not in path.read_text(encoding="utf-8"), (action, path)


def test_a_section_refusal_is_audited_under_one_name_by_view_and_service(client, care_team):
    pain = care_team.section(Discipline.PAIN_MANAGEMENT)
    client.force_login(care_team.physio)
    url = reverse("careteam:goal-create", args=[care_team.plan.pk, pain.pk])
    response = client.post(url, {"description": "Walk daily"})
    assert response.status_code == 403
    assert escape(refusal(PlanAction.EDIT_SECTION)) in response.content.decode()
    with pytest.raises(CareAccessDenied):
        create_goal(pain, care_team.physio, description="Walk daily")
    denials = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=care_team.physio)
    assert [(event.detail["permission"], event.detail["section"]) for event in denials] == [
        ("edit_section", "pain_management"),
        ("edit_section", "pain_management"),
    ]


def test_a_refusal_from_the_view_reads_the_policy_sentence(client, care_team):
    client.force_login(care_team.contributor)
    response = client.get(reverse("careteam:plan-edit", args=[care_team.plan.pk]))
    assert response.status_code == 403
    assert escape(refusal(PlanAction.EDIT_PLAN)) in response.content.decode()
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, actor=care_team.contributor)
    assert denied.detail["permission"] == PlanAction.EDIT_PLAN == "change_careplan"


def _skip_the_first_check(monkeypatch, module):
    """Let a removed member past the service's first check, as if they were removed in the
    moment between that check and the write: only the locked re-check stands."""
    monkeypatch.setattr(module, "require", lambda *args, **kwargs: None)


def test_assigning_reading_is_re_checked_under_the_membership_lock(
    monkeypatch, portal_world, site_tree
):
    page = make_article(site_tree.articles, "Pacing on good days")
    physio = portal_world.team.physio
    remove_member(portal_world.plan, portal_world.lead, physio)
    _skip_the_first_check(monkeypatch, assigned_reading)
    with pytest.raises(CareAccessDenied):
        assigned_reading.assign_reading(portal_world.plan, physio, page)
    assert not ReadingAssignment.objects.exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=physio, detail__permission="assign_reading"
    ).exists()


def test_acknowledging_an_alert_is_re_checked_under_the_membership_lock(monkeypatch, portal_world):
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    alert = RedFlagAlert.objects.get(plan=portal_world.plan)
    physio = portal_world.team.physio
    remove_member(portal_world.plan, portal_world.lead, physio)
    _skip_the_first_check(monkeypatch, alerts)
    with pytest.raises(CareAccessDenied):
        alerts.acknowledge_alert(alert, physio, outcome=AlertOutcome.CALLED_PATIENT)
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=physio, detail__permission="acknowledge_alert"
    ).exists()


def test_an_alert_is_acknowledged_once_and_a_second_member_is_told_who_was_first(portal_world):
    record_check_in(
        portal_world.patient,
        portal_world.patient_user,
        pain_score=8,
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
    )
    alert = RedFlagAlert.objects.get(plan=portal_world.plan)
    first = alerts.acknowledge_alert(alert, portal_world.lead, outcome=AlertOutcome.CALLED_PATIENT)
    stale_copy = RedFlagAlert.objects.get(pk=alert.pk)
    stale_copy.acknowledged_at = None  # as a second member's page still shows it
    with pytest.raises(alerts.AlertAlreadyAcknowledged, match="called the patient"):
        alerts.acknowledge_alert(
            stale_copy,
            portal_world.team.physio,
            outcome=AlertOutcome.NO_ACTION_NEEDED,
            note="Seen in clinic yesterday.",
        )
    alert.refresh_from_db()
    assert alert.acknowledged_by == portal_world.lead
    assert alert.acknowledged_at == first.acknowledged_at
    assert (alert.outcome, alert.outcome_note) == (AlertOutcome.CALLED_PATIENT, "")
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.CHANGED,
            target_content_type=ContentType.objects.get_for_model(RedFlagAlert),
            target_object_id=str(alert.pk),
        ).count()
        == 1
    )
