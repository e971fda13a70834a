"""The provider web UI at /care/. Every view checks the user's rights on the plan it touches;
tests/test_careteam_matrix.py lists every pattern here with who may use it."""

from django.urls import path, register_converter

from careteam.views import dashboard, items, members, notes, patients, plans


class RecordIdConverter:
    """A positive database id. Longer numbers could not be ids (bigint), so such URLs are
    a plain 404 instead of reaching the database."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordIdConverter, "id")

app_name = "careteam"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("patients/new/", patients.patient_create, name="patient-create"),
    path("plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<id:plan_id>/", plans.plan_detail, name="plan-detail"),
    path("plans/<id:plan_id>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<id:plan_id>/patient/edit/", patients.patient_edit, name="patient-edit"),
    path("plans/<id:plan_id>/history/", plans.plan_history, name="plan-history"),
    path("plans/<id:plan_id>/audit/", plans.plan_audit, name="plan-audit"),
    path(
        "plans/<id:plan_id>/precautions/new/",
        items.precaution_create,
        name="precaution-create",
    ),
    path(
        "plans/<id:plan_id>/precautions/<id:item_id>/edit/",
        items.precaution_edit,
        name="precaution-edit",
    ),
    path(
        "plans/<id:plan_id>/precautions/<id:item_id>/delete/",
        items.precaution_delete,
        name="precaution-delete",
    ),
    path(
        "plans/<id:plan_id>/sections/<id:section_id>/goals/new/",
        items.goal_create,
        name="goal-create",
    ),
    path("plans/<id:plan_id>/goals/<id:item_id>/edit/", items.goal_edit, name="goal-edit"),
    path("plans/<id:plan_id>/goals/<id:item_id>/delete/", items.goal_delete, name="goal-delete"),
    path(
        "plans/<id:plan_id>/sections/<id:section_id>/activities/new/",
        items.activity_create,
        name="activity-create",
    ),
    path(
        "plans/<id:plan_id>/activities/<id:item_id>/edit/",
        items.activity_edit,
        name="activity-edit",
    ),
    path(
        "plans/<id:plan_id>/activities/<id:item_id>/delete/",
        items.activity_delete,
        name="activity-delete",
    ),
    path("plans/<id:plan_id>/notes/new/", notes.team_note_create, name="team-note-create"),
    path("plans/<id:plan_id>/private-notes/", notes.private_notes, name="private-notes"),
    path("plans/<id:plan_id>/members/new/", members.member_add, name="member-add"),
    path(
        "plans/<id:plan_id>/members/<id:membership_id>/remove/",
        members.member_remove,
        name="member-remove",
    ),
    path("plans/<id:plan_id>/lead/", members.lead_hand_over, name="lead-hand-over"),
]
