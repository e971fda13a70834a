"""Editing through the provider UI: stale versions get 409 with the current values, bad
input gets 400 with messages, and every view, change and refusal is in the audit trail."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, Goal, Patient
from careteam.services import delete_goal, update_goal, update_plan
from tests.careteam_fixtures import UiTeam
from tests.mfa_fixtures import recently_authenticated


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_form(plan: CarePlan, **overrides) -> dict:
    data = {
        "title": plan.title,
        "status": plan.status,
        "period_start": "",
        "period_end": "",
        "conditions": plan.conditions,
        "patient_summary": plan.patient_summary,
        "red_flag_guidance": plan.red_flag_guidance,
        "version": plan.version,
    }
    return data | overrides


@pytest.mark.django_db
def test_plan_edit_saves_and_history_shows_the_change(ui_team: UiTeam):
    lead = client_for(ui_team.team.lead)
    url = reverse("careteam:plan-edit", args=[ui_team.plan.pk])
    assert 'name="version"' in lead.get(url).content.decode()
    response = lead.post(url, plan_form(ui_team.plan, patient_summary="Strength before stretch."))
    assert response.status_code == 302
    plan = CarePlan.objects.get(pk=ui_team.plan.pk)
    assert plan.patient_summary == "Strength before stretch."
    assert plan.version == ui_team.plan.version + 1
    history = client_for(ui_team.team.physio).get(reverse("careteam:plan-history", args=[plan.pk]))
    assert "Strength before stretch." in history.content.decode()


@pytest.mark.django_db
def test_stale_plan_edit_gets_409_with_current_values_and_keeps_input(ui_team: UiTeam):
    plan = ui_team.plan
    stale = plan_form(plan, patient_summary="My careful rewrite.")
    # Someone else saves first.
    update_plan(plan, ui_team.team.lead, plan.version, patient_summary="Their newer summary.")

    response = client_for(ui_team.team.lead).post(
        reverse("careteam:plan-edit", args=[plan.pk]), stale
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved first" in body
    assert "Their newer summary." in body  # current values shown
    assert "My careful rewrite." in body  # the user's input kept
    assert "nothing has been overwritten" in body
    plan.refresh_from_db()
    assert plan.patient_summary == "Their newer summary."
    # The re-rendered form now carries the current version, so a deliberate save works.
    assert f'name="version" value="{plan.version}"' in body


@pytest.mark.django_db
def test_stale_goal_edit_names_who_changed_it(ui_team: UiTeam):
    goal, physio = ui_team.goal, ui_team.team.physio
    form = {
        "description": "Walk 45 minutes",
        "measure": goal.measure,
        "target": "",
        "due_date": "",
        "lifecycle_status": goal.lifecycle_status,
        "achievement_status": goal.achievement_status,
        "visible_to_patient": "on",
        "version": goal.version,
    }
    update_goal(goal, ui_team.team.lead, goal.version, target="20 minutes")
    response = client_for(physio).post(
        reverse("careteam:goal-edit", args=[ui_team.plan.pk, goal.pk]), form
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "t.lead" in body and "20 minutes" in body and "Walk 45 minutes" in body
    goal.refresh_from_db()
    assert goal.description != "Walk 45 minutes" and goal.target == "20 minutes"


@pytest.mark.django_db
def test_deleting_a_goal_someone_changed_is_refused(ui_team: UiTeam):
    goal = ui_team.goal
    old_version = goal.version
    update_goal(goal, ui_team.team.lead, goal.version, target="25 minutes")
    response = client_for(ui_team.team.physio).post(
        reverse("careteam:goal-delete", args=[ui_team.plan.pk, goal.pk]),
        {"version": old_version},
    )
    assert response.status_code == 409
    assert Goal.objects.filter(pk=goal.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("plan-edit", {"title": "", "status": "nonsense"}, "Select a valid choice"),
        ("plan-edit", {"period_start": "2026-05-01", "period_end": "2026-01-01"}, "cannot end"),
        ("plan-edit", {"period_start": "not a date"}, "Enter a valid date"),
        ("plan-edit", {"version": "abc"}, "Enter a whole number"),
        ("team-note-create", {"body": "   "}, "This field is required"),
        ("precaution-create", {"description": ""}, "This field is required"),
        ("member-add", {"who": "", "role": "lead"}, "Select a valid choice"),
        ("lead-hand-over", {"who": "x", "former_lead_role": "boss"}, "Select a valid choice"),
    ],
)
def test_invalid_input_gets_400_with_messages(ui_team: UiTeam, name, data, message):
    url = reverse(f"careteam:{name}", args=[ui_team.plan.pk])
    before = CarePlan.objects.values().get(pk=ui_team.plan.pk)
    post = plan_form(ui_team.plan, **data) if name == "plan-edit" else data
    response = recently_authenticated(client_for(ui_team.team.lead)).post(url, post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CarePlan.objects.values().get(pk=ui_team.plan.pk) == before


@pytest.mark.django_db
def test_invalid_goal_and_activity_input_gets_400(ui_team: UiTeam):
    physio = client_for(ui_team.team.physio)
    section = ui_team.goal.section_id
    goal = physio.post(
        reverse("careteam:goal-create", args=[ui_team.plan.pk, section]),
        {"description": "", "lifecycle_status": "finished", "due_date": "31/31/2026"},
    )
    assert goal.status_code == 400
    activity = physio.post(
        reverse("careteam:activity-create", args=[ui_team.plan.pk, section]),
        {"kind": "surgery", "title": "x" * 300, "status": "not-started"},
    )
    assert activity.status_code == 400
    assert "Select a valid choice" in activity.content.decode()


@pytest.mark.django_db
def test_patient_registration_and_plan_start_through_the_ui(ui_team: UiTeam):
    outsider = client_for(ui_team.team.spare_physician)
    response = outsider.post(
        reverse("careteam:patient-create"),
        {
            "given_name": "Noor",
            "family_name": "Newfield",
            "date_of_birth": "1991-02-03",
            "record_number": "N-0042",
            "email": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("careteam:plan-create")  # no record number in it
    assert 'value="N-0042"' in outsider.get(response["Location"]).content.decode()

    duplicate = outsider.post(
        reverse("careteam:patient-create"),
        {
            "given_name": "Other",
            "family_name": "Person",
            "date_of_birth": "1990-01-01",
            "record_number": "N-0042",
        },
    )
    assert duplicate.status_code == 400
    assert Patient.objects.filter(record_number="N-0042").count() == 1

    unknown = outsider.post(
        reverse("careteam:plan-create"),
        {"record_number": "NOPE-1", "title": "Plan", "status": "draft"},
    )
    assert unknown.status_code == 400
    assert "No patient whose care you lead has this record number" in unknown.content.decode()

    started = outsider.post(
        reverse("careteam:plan-create"),
        {"record_number": "n-0042", "title": "Stability plan", "status": "draft"},
    )
    assert started.status_code == 302
    plan = CarePlan.objects.get(patient__record_number="N-0042")
    assert started["Location"] == reverse("careteam:plan-detail", args=[plan.pk])
    assert plan.memberships.active().get().user == ui_team.team.spare_physician
    assert outsider.get(started["Location"]).status_code == 200


@pytest.mark.django_db
def test_views_changes_and_denials_are_audited(ui_team: UiTeam):
    plan = ui_team.plan
    events = AuditEvent.objects.for_plan(plan)
    physio = client_for(ui_team.team.physio)

    before = events.count()
    physio.get(reverse("careteam:plan-detail", args=[plan.pk]), REMOTE_ADDR="10.1.2.3")
    viewed = events.filter(action=AuditAction.VIEWED, actor=ui_team.team.physio)
    assert viewed.filter(ip_address="10.1.2.3").exists()
    assert events.count() > before

    physio.post(reverse("careteam:team-note-create", args=[plan.pk]), {"body": "Checked in."})
    assert events.filter(action=AuditAction.CREATED, actor=ui_team.team.physio).exists()

    physio.get(reverse("careteam:plan-audit", args=[plan.pk]))
    denied = events.filter(action=AuditAction.DENIED, actor=ui_team.team.physio)
    assert denied.filter(detail__permission="view_audit_trail").exists()

    outsider = client_for(ui_team.team.spare_physician)
    outsider.get(reverse("careteam:plan-detail", args=[plan.pk]))
    assert events.filter(action=AuditAction.DENIED, actor=ui_team.team.spare_physician).exists()

    patient = client_for(ui_team.patient_user)
    patient.get(reverse("careteam:dashboard"))
    assert AuditEvent.objects.filter(action=AuditAction.DENIED, actor=ui_team.patient_user).exists()


@pytest.mark.django_db
def test_lead_reads_the_audit_trail_and_it_offers_no_way_to_change_it(ui_team: UiTeam):
    client_for(ui_team.team.spare_physician).get(
        reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    )
    response = client_for(ui_team.team.lead).get(
        reverse("careteam:plan-audit", args=[ui_team.plan.pk])
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "t.spare" in body and "Access denied" in body
    assert "<form" not in body.split('id="main"')[1]
    assert AuditEvent.objects.for_plan(ui_team.plan).filter(detail__what="audit_trail").exists()


@pytest.mark.django_db
def test_date_fields_render_iso_dates_for_the_native_picker(ui_team: UiTeam):
    plan = ui_team.plan
    update_plan(plan, ui_team.team.lead, plan.version, period_start=datetime.date(2026, 1, 5))
    body = client_for(ui_team.team.lead).get(reverse("careteam:plan-edit", args=[plan.pk]))
    assert 'type="date" name="period_start" value="2026-01-05"' in body.content.decode()


@pytest.mark.django_db
def test_opening_an_edit_page_is_recorded_as_a_view(ui_team: UiTeam):
    physio = ui_team.team.physio
    client_for(physio).get(reverse("careteam:goal-edit", args=[ui_team.plan.pk, ui_team.goal.pk]))
    assert (
        AuditEvent.objects.for_plan(ui_team.plan)
        .filter(action=AuditAction.VIEWED, actor=physio, detail__what="goal-edit")
        .exists()
    )


@pytest.mark.django_db
def test_saving_a_goal_someone_deleted_gets_409_with_the_input_kept(ui_team: UiTeam):
    goal = ui_team.goal
    url = reverse("careteam:goal-edit", args=[ui_team.plan.pk, goal.pk])
    form = {"description": "Walk 45 minutes", "lifecycle_status": "active", "version": goal.version}
    delete_goal(goal, ui_team.team.lead, goal.version)

    response = client_for(ui_team.team.physio).post(url, form)
    assert response.status_code == 409
    body = response.content.decode()
    assert "was deleted by" in body and "Walk 45 minutes" in body
    assert not Goal.objects.filter(description="Walk 45 minutes").exists()
    # Someone who could never edit goals learns nothing new: still a 404.
    assert client_for(ui_team.team.contributor).post(url, form).status_code == 404
    never_existed = reverse("careteam:goal-edit", args=[ui_team.plan.pk, goal.pk + 1000])
    assert client_for(ui_team.team.physio).post(never_existed, form).status_code == 404
