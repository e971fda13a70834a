"""Emergency access ("break the glass"): a pain-management physician on no team opens a
plan read-only for a bounded time with a reason; the lead and the privacy officers are
told; every page viewed is marked; the access ends by itself or by the lead's hand."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.privacy import PRIVACY_OFFICERS_GROUP
from careteam.models import CarePlan, CarePlanStatus, Discipline, EmergencyAccess
from careteam.policy import (
    EMERGENCY_VIEW,
    ClinicAction,
    EmergencyAction,
    PlanAction,
    PlanRights,
    may,
    plans_where,
    refusal,
    rights_on,
)
from careteam.services import (
    CareAccessDenied,
    add_member,
    add_precaution,
    add_private_note,
    add_team_note,
    create_goal,
    emergency_plans_for,
    end_emergency_access,
    hand_over_lead,
    list_private_notes,
    open_emergency_access,
    plan_audit_trail,
    record_plan_view,
    remove_member,
    update_plan,
)
from careteam.tasks import send_emergency_access_email
from tests.careteam_domain_fixtures import CareTeam, make_plan, make_user
from tests.careteam_fixtures import PRIVATE_NOTE_TEXT, TEAM_NOTE_TEXT
from tests.mfa_fixtures import recently_authenticated
from tests.patient_fixtures import activate_plan

pytestmark = pytest.mark.django_db

REASON = "Admitted unconscious after a fall; need current precautions and medication plan."


def client_for(user) -> Client:
    """Logged in, having confirmed their password just now (emergency access asks for it)."""
    client = Client()
    client.force_login(user)
    return recently_authenticated(client)


def plan_url(plan: CarePlan, name: str = "plan-detail") -> str:
    return reverse(f"careteam:{name}", args=[plan.pk])


@pytest.fixture
def world(care_team: CareTeam) -> CareTeam:
    """The care team's plan, active, with a team note and a private note; a physician on
    no team (``spare_physician``) and a privacy officer."""
    activate_plan(care_team.plan)
    add_team_note(care_team.plan, care_team.physio, TEAM_NOTE_TEXT)
    add_private_note(care_team.plan, care_team.mental_health, PRIVATE_NOTE_TEXT)
    officer = make_user("t.privacy")
    officer.groups.add(Group.objects.get_or_create(name=PRIVACY_OFFICERS_GROUP)[0])
    care_team.privacy_officer = officer
    return care_team


def opened(world: CareTeam) -> EmergencyAccess:
    return open_emergency_access(world.spare_physician, world.plan, REASON)


# --- Who may open, and with what reason ------------------------------------------------


def test_only_a_pain_management_physician_may_open_a_plan_in_an_emergency(world):
    # A physical therapist on no team: refused at the clinic level, audited.
    with pytest.raises(CareAccessDenied) as refused:
        open_emergency_access(world.outsider, world.plan, REASON)
    assert refused.value.status_code == 403
    assert str(refused.value) == refusal(ClinicAction.BREAK_THE_GLASS)
    assert client_for(world.outsider).get(reverse("careteam:emergency-access")).status_code == 403
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=world.outsider)
    assert {event.detail["permission"] for event in denied} == {"break_the_glass"}
    assert not EmergencyAccess.objects.exists()

    grant = opened(world)
    assert grant.user == world.spare_physician and grant.plan == world.plan
    assert grant.is_active and grant.reason == REASON
    granted = AuditEvent.objects.get(action=AuditAction.GRANTED, detail__emergency_access=grant.pk)
    assert granted.care_plan_id == world.plan.pk
    assert granted.detail["reason"] == REASON


def test_the_physician_confirms_their_password_before_the_form_and_nothing_opens_without(world):
    url = reverse("careteam:emergency-access")
    client = Client()
    client.force_login(world.spare_physician)
    record_number = world.plan.patient.record_number
    body = {"record_number": record_number, "reason": REASON, "plan": world.plan.pk}
    for response in (client.get(url), client.post(url, body)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa:confirm"))
    assert not EmergencyAccess.objects.exists()
    # A physical therapist is refused outright: no password asked for an action they lack.
    outsider = Client()
    outsider.force_login(world.outsider)
    assert outsider.get(url).status_code == 403
    stale = recently_authenticated(client, seconds_ago=60 * 60)
    assert stale.get(url)["Location"].startswith(reverse("mfa:confirm"))
    assert recently_authenticated(client).get(url).status_code == 200


def test_a_team_member_or_a_closed_plan_is_refused(world):
    with pytest.raises(CareAccessDenied):
        open_emergency_access(world.lead, world.plan, REASON)  # on the team already
    CarePlan.objects.filter(pk=world.plan.pk).update(status=CarePlanStatus.COMPLETED)
    world.plan.refresh_from_db()
    with pytest.raises(CareAccessDenied) as refused:
        opened(world)
    assert refused.value.status_code == 403
    reasons = AuditEvent.objects.filter(action=AuditAction.DENIED).values_list(
        "detail__reason", flat=True
    )
    assert set(reasons) == {"on the team already", "plan not open"}


@pytest.mark.parametrize("reason", ["", "   ", "emergency", " " * 30 + "too short" + " " * 30])
def test_a_reason_of_at_least_20_characters_is_required(world, reason):
    with pytest.raises(ValidationError) as invalid:
        open_emergency_access(world.spare_physician, world.plan, reason)
    assert "reason" in invalid.value.message_dict
    response = client_for(world.spare_physician).post(
        reverse("careteam:emergency-access"),
        {"record_number": world.plan.patient.record_number, "reason": reason},
    )
    assert response.status_code == 400
    assert "at least 20 characters" in response.content.decode()
    assert not EmergencyAccess.objects.exists()


def test_the_reason_is_stored_stripped_and_opening_again_returns_the_same_grant(world):
    first = open_emergency_access(world.spare_physician, world.plan, f"  {REASON}\n")
    assert first.reason == REASON
    again = open_emergency_access(world.spare_physician, world.plan, "Another reason, twenty+.")
    assert again.pk == first.pk
    granted = AuditEvent.objects.filter(
        action=AuditAction.GRANTED, detail__has_key="emergency_access"
    )
    assert granted.count() == 1


def test_the_access_lasts_emergency_access_hours(world, settings):
    settings.EMERGENCY_ACCESS_HOURS = 2
    grant = opened(world)
    assert grant.expires_at - grant.started_at == datetime.timedelta(hours=2)


# --- Finding the plan by record number ---------------------------------------------------


def test_the_form_lists_the_patients_open_plans_by_title_and_lead_only(world):
    closed = make_plan(world.lead, "T-0099", title="Closed plan")
    CarePlan.objects.filter(pk=closed.pk).update(patient=world.plan.patient, status="completed")
    client = client_for(world.spare_physician)
    url = reverse("careteam:emergency-access")
    assert client.get(url).status_code == 200
    number = world.plan.patient.record_number.lower()  # any case
    response = client.post(url, {"record_number": number, "reason": REASON})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stability first" in html and "t.lead" in html  # title and lead
    assert f'value="{world.plan.pk}"' in html
    assert "Closed plan" not in html
    for private in ("Example T-0001", TEAM_NOTE_TEXT, "Build core stability."):
        assert private not in html
    listed = AuditEvent.objects.get(action=AuditAction.VIEWED, actor=world.spare_physician)
    assert listed.patient_id == world.plan.patient_id
    assert listed.detail == {"what": "emergency_plan_choice", "plans": [world.plan.pk]}
    assert not EmergencyAccess.objects.exists()

    chosen = client.post(url, {"record_number": number, "reason": REASON, "plan": world.plan.pk})
    assert chosen.status_code == 302 and chosen["Location"] == plan_url(world.plan)
    assert EmergencyAccess.objects.get().plan == world.plan


def test_an_unknown_record_number_is_said_plainly_and_audited(world):
    response = client_for(world.spare_physician).post(
        reverse("careteam:emergency-access"), {"record_number": "NOPE-1", "reason": REASON}
    )
    assert response.status_code == 400
    assert "No patient has this record number." in response.content.decode()
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, actor=world.spare_physician)
    assert denied.detail == {"permission": "break_the_glass", "reason": "no such record number"}
    assert emergency_plans_for(world.spare_physician, "") is None


def test_a_plan_of_another_patient_cannot_be_slipped_into_the_form(world):
    make_plan(world.lead, "T-0002")
    stranger = make_plan(world.lead, "T-0003")
    response = client_for(world.spare_physician).post(
        reverse("careteam:emergency-access"),
        {"record_number": "T-0002", "reason": REASON, "plan": stranger.pk},
    )
    assert response.status_code == 400
    assert not EmergencyAccess.objects.exists()


def test_the_page_tells_a_team_member_they_need_no_emergency_access(world):
    response = client_for(world.lead).post(
        reverse("careteam:emergency-access"),
        {"record_number": world.plan.patient.record_number, "reason": REASON},
    )
    assert "you are on this plan's team" in response.content.decode()
    refused = client_for(world.lead).post(
        reverse("careteam:emergency-access"),
        {
            "record_number": world.plan.patient.record_number,
            "reason": REASON,
            "plan": world.plan.pk,
        },
    )
    assert refused.status_code == 400
    assert not EmergencyAccess.objects.exists()


# --- Read-only ---------------------------------------------------------------------------


def test_the_policy_sees_an_active_grant_as_view_only(world):
    physician, plan = world.spare_physician, world.plan
    assert not may(physician, PlanAction.VIEW, plan)
    assert list(plans_where(physician)) == []
    grant = opened(world)
    rights = rights_on(physician, plan)
    assert rights.codenames == {EMERGENCY_VIEW} and rights.emergency == grant
    assert PlanRights(physician, [plan]).on(plan).allows(PlanAction.VIEW)
    assert may(physician, PlanAction.VIEW, plan)
    assert list(plans_where(physician)) == [plan]
    for action in PlanAction:
        if action not in (PlanAction.VIEW, PlanAction.READ_MESSAGES):
            assert not rights.allows(action), action
    for action in (PlanAction.EDIT_PLAN, PlanAction.MANAGE_TEAM, PlanAction.PRIVATE_NOTES):
        assert plan not in plans_where(physician, action)


def test_every_write_service_refuses_an_emergency_reader(world):
    physician, plan = world.spare_physician, world.plan
    opened(world)
    section = world.section(Discipline.PAIN_MANAGEMENT)
    writes = [
        lambda: update_plan(plan, physician, plan.version, title="Mine now"),
        lambda: add_precaution(plan, physician, description="No running"),
        lambda: add_team_note(plan, physician, "A note"),
        lambda: add_private_note(plan, physician, "A private note"),
        lambda: create_goal(section, physician, description="Walk"),
        lambda: add_member(plan, physician, world.outsider, "contributor"),
        lambda: remove_member(plan, physician, world.contributor),
        lambda: hand_over_lead(plan, physician, physician),
        lambda: list_private_notes(plan, physician),
        lambda: plan_audit_trail(plan, physician),
    ]
    for write in writes:
        with pytest.raises(CareAccessDenied) as refused:
            write()
        assert refused.value.status_code == 403  # they may see the plan, not change it
    assert plan.team_notes.filter(author=physician).count() == 0


def test_writes_through_the_views_answer_403(world):
    opened(world)
    client = client_for(world.spare_physician)
    plan = world.plan
    for name in ("plan-edit", "plan-audit", "private-notes", "precaution-create", "member-add"):
        response = client.get(plan_url(plan, name))
        assert response.status_code == 403, name
    posted = client.post(plan_url(plan, "team-note-create"), {"body": "Seen in ED."})
    assert posted.status_code == 403
    assert refusal(EmergencyAction.READ_ONLY)[:40] in posted.content.decode()
    assert not plan.team_notes.filter(author=world.spare_physician).exists()


def test_the_plan_page_shows_the_banner_and_no_private_notes(world):
    grant = opened(world)
    response = client_for(world.spare_physician).get(plan_url(world.plan))
    html = response.content.decode()
    assert response.status_code == 200
    ends = timezone.localtime(grant.expires_at).strftime("%H:%M")
    assert "Emergency access: read-only, ends at" in html and ends in html
    assert REASON in html
    assert TEAM_NOTE_TEXT in html and PRIVATE_NOTE_TEXT not in html
    assert "Emergency access (read-only)" in html  # my role
    assert reverse("careteam:plan-edit", args=[world.plan.pk]) not in html
    assert reverse("careteam:team-note-create", args=[world.plan.pk]) not in html
    assert "Patient portal" not in html  # other apps' panels carry the team's actions


# --- Marked in the audit trail ---------------------------------------------------------


def test_every_page_viewed_under_the_grant_is_marked(world):
    grant = opened(world)
    client = client_for(world.spare_physician)
    assert client.get(plan_url(world.plan)).status_code == 200
    assert client.get(plan_url(world.plan, "plan-history")).status_code == 200
    assert client.get(reverse("careteam:dashboard")).status_code == 200
    views = AuditEvent.objects.filter(action=AuditAction.VIEWED, actor=world.spare_physician)
    assert sorted(event.detail["what"] for event in views) == ["dashboard", "history", "plan"]
    assert all(event.detail["emergency_access"] == grant.pk for event in views)
    # A team member's views are not marked.
    client_for(world.lead).get(plan_url(world.plan))
    lead_view = AuditEvent.objects.get(action=AuditAction.VIEWED, actor=world.lead)
    assert "emergency_access" not in lead_view.detail


def test_record_plan_view_marks_a_view_from_known_rights_too(world):
    grant = opened(world)
    event = record_plan_view(world.plan, world.spare_physician, known_perms={EMERGENCY_VIEW})
    assert event.detail == {"what": "plan", "emergency_access": grant.pk}


# --- It ends -------------------------------------------------------------------------------


def test_the_access_expires_by_itself(world):
    grant = opened(world)
    client = client_for(world.spare_physician)
    assert client.get(plan_url(world.plan)).status_code == 200
    later = grant.expires_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert not may(world.spare_physician, PlanAction.VIEW, world.plan)
        assert list(plans_where(world.spare_physician)) == []
        assert not grant.is_active
    # Set in the past (the session would not outlive a moved clock): the pages are gone.
    EmergencyAccess.objects.filter(pk=grant.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=5),
        expires_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert client.get(plan_url(world.plan)).status_code == 404
    assert client.get(plan_url(world.plan, "plan-history")).status_code == 404


def test_the_lead_ends_it_from_the_plan_page(world):
    grant = opened(world)
    lead = client_for(world.lead)
    html = lead.get(plan_url(world.plan)).content.decode()
    end_url = reverse("careteam:emergency-access-end", args=[grant.pk])
    assert "Emergency access to this plan" in html and end_url in html and REASON in html
    # Other members see it, without the button.
    physio_html = client_for(world.physio).get(plan_url(world.plan)).content.decode()
    assert "Emergency access to this plan" in physio_html and end_url not in physio_html

    response = lead.post(end_url)
    assert response.status_code == 302 and response["Location"] == plan_url(world.plan)
    grant.refresh_from_db()
    assert grant.ended_by == world.lead and not grant.is_active
    revoked = AuditEvent.objects.get(action=AuditAction.REVOKED, detail__emergency_access=grant.pk)
    assert revoked.actor == world.lead
    assert client_for(world.spare_physician).get(plan_url(world.plan)).status_code == 404
    assert "Emergency access to this plan" not in lead.get(plan_url(world.plan)).content.decode()
    assert end_emergency_access(world.lead, grant) is False  # nothing left to end


def test_the_physician_ends_their_own_access_and_others_may_not(world):
    grant = opened(world)
    end_url = reverse("careteam:emergency-access-end", args=[grant.pk])
    assert client_for(world.physio).post(end_url).status_code == 403
    assert client_for(world.privacy_officer).post(end_url).status_code == 403
    assert client_for(world.outsider).post(end_url).status_code == 404
    grant.refresh_from_db()
    assert grant.is_active
    response = client_for(world.spare_physician).post(end_url)
    assert response.status_code == 302 and response["Location"] == reverse("careteam:dashboard")
    grant.refresh_from_db()
    assert grant.ended_by == world.spare_physician


# --- Told at once ----------------------------------------------------------------------------


def test_one_email_task_per_recipient_is_enqueued_once_the_grant_commits(
    world, kept_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        grant = opened(world)
    ours = [r for r in kept_tasks.results if r.task.module_path.startswith("careteam.")]
    assert ours == [] and len(callbacks) == 2  # nothing goes out before the commit
    for callback in callbacks:
        callback()
    ours = [r for r in kept_tasks.results if r.task.module_path.startswith("careteam.")]
    assert {result.task.func for result in ours} == {send_emergency_access_email.func}
    assert [result.args for result in ours] == [
        [grant.pk, world.lead.pk, "lead"],
        [grant.pk, world.privacy_officer.pk, "privacy_officer"],
    ]


def test_an_emergency_access_email_is_not_sent_to_a_login_switched_off_meanwhile(world):
    grant = opened(world)
    world.privacy_officer.is_active = False
    world.privacy_officer.save(update_fields=["is_active"])
    assert not send_emergency_access_email.call(
        grant.pk, world.privacy_officer.pk, "privacy_officer"
    )
    assert send_emergency_access_email.call(grant.pk, world.lead.pk, "lead") is True
    assert [message.to for message in mail.outbox] == [[world.lead.email]]


def test_the_lead_and_the_privacy_officers_are_emailed_without_health_details(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        grant = opened(world)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([world.lead.email, world.privacy_officer.email])
    link = f"http://testserver/care/emergency/{grant.pk}/"
    patient = world.plan.patient
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert link in message.body
        assert "t.spare" in text  # who opened it
        for detail in (
            patient.given_name,
            patient.family_name,
            patient.record_number,
            world.plan.title,
            REASON[:30],
            "Build core stability.",
        ):
            assert detail not in text, detail


# --- Seen by the lead and the physician --------------------------------------------------------


def test_the_dashboard_shows_active_accesses_to_the_physician_and_the_lead(world):
    grant = opened(world)
    end_url = reverse("careteam:emergency-access-end", args=[grant.pk])
    physician_html = client_for(world.spare_physician).get(reverse("careteam:dashboard"))
    physician_html = physician_html.content.decode()
    assert "Emergency access now open" in physician_html and end_url in physician_html
    assert "Emergency access (read-only)" in physician_html  # the plan's row
    lead_html = client_for(world.lead).get(reverse("careteam:dashboard")).content.decode()
    assert "Emergency access now open" in lead_html and end_url in lead_html
    physio_html = client_for(world.physio).get(reverse("careteam:dashboard")).content.decode()
    assert "Emergency access now open" not in physio_html


def test_the_review_page_lists_what_was_viewed_for_the_privacy_officer(world):
    grant = opened(world)
    client_for(world.spare_physician).get(plan_url(world.plan))
    url = reverse("careteam:emergency-access-detail", args=[grant.pk])
    response = client_for(world.privacy_officer).get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert REASON in html and plan_url(world.plan) in html  # the path viewed
    assert "Example T-0001" not in html and TEAM_NOTE_TEXT not in html
    assert client_for(world.physio).get(url).status_code == 403
    assert client_for(world.outsider).get(url).status_code == 404
    assert client_for(world.lead).get(url).status_code == 200


# --- Queries -------------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_an_open_grant_costs_the_leads_plan_page_one_query_to_list_it(world):
    lead = client_for(world.lead)
    url = plan_url(world.plan)
    count_queries(lead, url)  # warm caches
    without = count_queries(lead, url)
    opened(world)
    assert count_queries(lead, url) == without + 1
