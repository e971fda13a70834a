"""The provider web UI at /care/. Every view checks the user's rights on the plan it touches;
tests/test_careteam_matrix.py lists every pattern here with who may use it."""

from django.urls import path

from careteam import converters  # noqa: F401  (registers <id:...>)
from careteam.views import dashboard, emergency, items, members, notes, patients, plans

app_name = "careteam"


def item_paths(noun: str, plural: str, edit, delete) -> list:
    """``plans/<plan>/<plural>/<item>/edit/`` and ``.../delete/``, named ``<noun>-edit`` and
    ``<noun>-delete``."""
    return [
        path(f"plans/<id:plan_id>/{plural}/<id:item_id>/{action}/", view, name=f"{noun}-{action}")
        for action, view in (("edit", edit), ("delete", delete))
    ]


def section_item_paths(noun: str, plural: str, create, edit, delete) -> list:
    """Adding an item to a section, then editing and deleting it (``item_paths``)."""
    return [
        path(
            f"plans/<id:plan_id>/sections/<id:section_id>/{plural}/new/",
            create,
            name=f"{noun}-create",
        ),
        *item_paths(noun, plural, edit, delete),
    ]


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
    *item_paths("precaution", "precautions", items.precaution_edit, items.precaution_delete),
    *section_item_paths("goal", "goals", items.goal_create, items.goal_edit, items.goal_delete),
    *section_item_paths(
        "activity",
        "activities",
        items.activity_create,
        items.activity_edit,
        items.activity_delete,
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
    path("emergency/", emergency.emergency_access, name="emergency-access"),
    path(
        "emergency/<id:grant_id>/",
        emergency.emergency_access_detail,
        name="emergency-access-detail",
    ),
    path(
        "emergency/<id:grant_id>/end/",
        emergency.emergency_access_end,
        name="emergency-access-end",
    ),
]
