"""The provider web UI at /care/. Every view checks the user's rights on the plan it touches;
tests/test_careteam_matrix.py lists every pattern here with who may use it."""

from django.urls import path

from careteam.views import dashboard, items, members, notes, patients, plans

app_name = "careteam"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("patients/new/", patients.patient_create, name="patient-create"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:plan_id>/history/", plans.plan_history, name="plan-history"),
    path("plans/<int:plan_id>/audit/", plans.plan_audit, name="plan-audit"),
    path(
        "plans/<int:plan_id>/precautions/new/",
        items.precaution_create,
        name="precaution-create",
    ),
    path(
        "plans/<int:plan_id>/precautions/<int:item_id>/edit/",
        items.precaution_edit,
        name="precaution-edit",
    ),
    path(
        "plans/<int:plan_id>/precautions/<int:item_id>/delete/",
        items.precaution_delete,
        name="precaution-delete",
    ),
    path(
        "plans/<int:plan_id>/sections/<int:section_id>/goals/new/",
        items.goal_create,
        name="goal-create",
    ),
    path("plans/<int:plan_id>/goals/<int:item_id>/edit/", items.goal_edit, name="goal-edit"),
    path("plans/<int:plan_id>/goals/<int:item_id>/delete/", items.goal_delete, name="goal-delete"),
    path(
        "plans/<int:plan_id>/sections/<int:section_id>/activities/new/",
        items.activity_create,
        name="activity-create",
    ),
    path(
        "plans/<int:plan_id>/activities/<int:item_id>/edit/",
        items.activity_edit,
        name="activity-edit",
    ),
    path(
        "plans/<int:plan_id>/activities/<int:item_id>/delete/",
        items.activity_delete,
        name="activity-delete",
    ),
    path("plans/<int:plan_id>/notes/new/", notes.team_note_create, name="team-note-create"),
    path("plans/<int:plan_id>/private-notes/", notes.private_notes, name="private-notes"),
    path("plans/<int:plan_id>/members/new/", members.member_add, name="member-add"),
    path(
        "plans/<int:plan_id>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("plans/<int:plan_id>/lead/", members.lead_hand_over, name="lead-hand-over"),
]
