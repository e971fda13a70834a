"""A care plan: starting one, reading it, editing its own fields, its history and audit."""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from careteam.forms import (
    HandOverLeadForm,
    InviteMemberForm,
    NoteForm,
    PlanCreateForm,
    PlanEditForm,
)
from careteam.models import TeamRole
from careteam.panels import PlanPlace, render_plan_panels
from careteam.plan_starts import plan_starts
from careteam.policy import PatientAction, PlanAction, patient_actions_for_plan, refusal
from careteam.services import (
    create_care_plan,
    current_team,
    list_team_notes,
    patient_for_new_plan,
    plan_audit_trail,
    plan_page_history,
    plan_precautions,
    record_plan_view,
    update_plan,
)
from careteam.services import history as history_service
from careteam.services.emergency import active_emergency_accesses
from careteam.services.history import PLAN_PAGE
from core.paging import counted_page

from .authorization import PlanAccess, plan_view, provider_view
from .editing import handle_form, plan_url, without_version
from .forms_util import add_service_errors, posted
from .section_tables import plan_sections

RECENT_HISTORY = 10
EMERGENCY_ROLE_LABEL = "Emergency access (read-only)"
EVENTS_PER_PAGE = 50
NOTES_PER_PAGE = 20
# How long a section's drawn tables are kept (they are keyed by what they show, so this
# only bounds the memory a section no longer viewed holds).
SECTION_CACHE_SECONDS = 24 * 60 * 60
# What the plan page's view event says when it shows older notes (not a new visit).
OLDER_NOTES = "plan, older notes"


# Set by patient registration so the plan form opens with the new patient's record
# number, which never travels in a URL.
NEW_PATIENT_SESSION_KEY = "careteam_new_patient_record_number"


@provider_view("GET", "POST", creators_only=True)
def plan_create(request: HttpRequest) -> HttpResponse:
    initial = {"record_number": request.session.pop(NEW_PATIENT_SESSION_KEY, "")}
    form = PlanCreateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        patient = patient_for_new_plan(request.user, fields.pop("record_number"))
        if patient is None:
            form.add_error("record_number", refusal(PatientAction.START_PLAN))
        else:
            try:
                plan = create_care_plan(request.user, patient, **fields)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "The care plan is started and you lead its team.")
                return redirect("careteam:plan-detail", plan_id=plan.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "plan_starts": plan_starts()}
    return render(request, "careteam/plan_create.html", context, status=status)


@dataclass(frozen=True)
class NotesPage:
    """One page of a plan's notes, newest first, and the links to the pages beside it
    (``?<param>=<number>``, landing on the notes' heading, ``#<anchor>``)."""

    page: Page
    newer_url: str
    older_url: str


def notes_page(request: HttpRequest, notes: QuerySet, param: str, anchor: str) -> NotesPage:
    page = counted_page(notes, NOTES_PER_PAGE, request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}#{anchor}"

    return NotesPage(
        page=page,
        newer_url=link(page.previous_page_number()) if page.has_previous() else "",
        older_url=link(page.next_page_number()) if page.has_next() else "",
    )


@plan_view("GET", emergency_readers=True)
def plan_detail(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """The plan as its team works from it: open red-flag alerts first (other apps' panels
    at ``PlanPlace.ALERTS``), an overview with what changed since the reader's last visit,
    each discipline's goals and activities, the team, the notes a page at a time, the
    other panels, and the recent history."""
    plan, user, known = access.plan, request.user, access.codenames
    emergency = access.rights.emergency
    team_notes = notes_page(
        request, list_team_notes(plan, user, known_perms=known), "notes_page", "team-notes"
    )
    # Paging through older notes is not a new visit: "since your last visit" still
    # compares with the visit before the one that showed the first page. Psychotherapy
    # notes are not on this page: they open, and are audited, on their own.
    record_plan_view(
        plan,
        user,
        what=PLAN_PAGE if team_notes.page.number == 1 else OLDER_NOTES,
        known_perms=known,
        emergency=emergency,
    )
    can_manage = access.allows(PlanAction.MANAGE_TEAM)
    # Other apps' panels carry the team's actions (assign reading, acknowledge an alert),
    # which an emergency access may not take: the reader gets the plan itself.
    history = plan_page_history(plan, user, known_perms=known, recent=RECENT_HISTORY)
    patient_actions = patient_actions_for_plan(user, plan)
    panels = (
        []
        if access.rights.by_emergency
        else render_plan_panels(request, plan, known, patient_actions)
    )
    context = {
        "plan": plan,
        "access": access,
        "role_label": (
            TeamRole(access.role).label
            if access.role
            else EMERGENCY_ROLE_LABEL
            if access.rights.by_emergency
            else ""
        ),
        "can_change": access.allows(PlanAction.EDIT_PLAN),
        "can_edit_patient": PatientAction.CHANGE_PATIENT_DETAILS in patient_actions,
        "can_manage_team": can_manage,
        "can_view_audit": access.allows(PlanAction.VIEW_AUDIT_TRAIL),
        "can_add_note": access.allows(PlanAction.ADD_TEAM_NOTE),
        "can_private_notes": access.allows(PlanAction.PRIVATE_NOTES),
        "since_last_visit": history.since_last_visit,
        "sections": plan_sections(access),
        "section_cache_seconds": SECTION_CACHE_SECONDS,
        "today": timezone.localdate(),
        "precautions": plan_precautions(plan),
        "team": current_team(plan),
        "team_notes": team_notes,
        "history": history.recent,
        "note_form": NoteForm(auto_id="id_team_note_%s", label="New team note"),
        "alert_panels": [panel for panel in panels if panel.place == PlanPlace.ALERTS],
        "plan_panels": [panel for panel in panels if panel.place != PlanPlace.ALERTS],
        # The holder of an emergency access reads its banner; the team, every active one
        # (looked up only when the plan query said there is one).
        "emergency": emergency,
        "emergency_accesses": (
            active_emergency_accesses(plan)
            if getattr(plan, "has_emergency_access", False) and not access.rights.by_emergency
            else []
        ),
    }
    if can_manage:
        context["invite_form"] = InviteMemberForm(auto_id="id_invite_%s")
        context["hand_over_form"] = HandOverLeadForm(auto_id="id_hand_over_%s")
    return render(request, "careteam/plan_detail.html", context)


@plan_view("GET", "POST")
def plan_edit(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.EDIT_PLAN)
    plan = access.plan
    # The form validates on a copy, so the service diffs against the stored values.
    form = PlanEditForm(posted(request), instance=copy(plan))

    def save(data):
        fields, version = without_version(data)
        update_plan(plan, request.user, version, **fields)

    return handle_form(
        request,
        access,
        form,
        save,
        context={"heading": "Edit the plan", "submit_label": "Save plan"},
        success_message="The plan is saved.",
        success_url=plan_url(access),
    )


@plan_view("GET", emergency_readers=True)
def plan_history(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    known, emergency = access.codenames, access.rights.emergency
    record_plan_view(
        access.plan, request.user, what="history", known_perms=known, emergency=emergency
    )
    events = history_service.plan_history(access.plan, request.user, known_perms=known)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "plan": access.plan,
        "page": page,
        "heading": "Plan history",
        "trail": False,
        "emergency": emergency,
    }
    return render(request, "careteam/plan_events.html", context)


@plan_view("GET")
def plan_audit(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.VIEW_AUDIT_TRAIL)
    events = plan_audit_trail(access.plan, request.user)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"plan": access.plan, "page": page, "heading": "Audit trail", "trail": True}
    return render(request, "careteam/plan_events.html", context)
