"""Precautions, goals and activities: the versioned items inside a plan."""

from __future__ import annotations

from copy import copy

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from careteam.forms import ActivityForm, DeleteForm, GoalForm, PrecautionForm
from careteam.models import Activity, Goal, PlanSection, Precaution
from careteam.permissions import CHANGE
from careteam.services import (
    add_precaution,
    create_activity,
    create_goal,
    delete_activity,
    delete_goal,
    delete_precaution,
    update_activity,
    update_goal,
    update_precaution,
)

from .access import ActionNotAllowed, PlanAccess, plan_view
from .editing import CONFIRM_TEMPLATE, handle_form, plan_url, without_version
from .forms_util import posted

PRECAUTIONS_ONLY_LEAD = "Only the team lead can change the plan's precautions."
SECTION_NOT_YOURS = (
    "Your role on this team lets you edit goals and activities only in your own "
    "discipline's section."
)


def require_section(access: PlanAccess, section: PlanSection) -> PlanSection:
    if not access.can_edit_section(section):
        raise ActionNotAllowed(SECTION_NOT_YOURS, permission=f"edit_section:{section.discipline}")
    section.plan = access.plan
    return section


def editable_section(access: PlanAccess, section_id: int) -> PlanSection:
    section = get_object_or_404(PlanSection, pk=section_id, plan=access.plan)
    return require_section(access, section)


def editable_item(access: PlanAccess, model, item_id: int):
    item = get_object_or_404(
        model.objects.select_related("section"), pk=item_id, section__plan=access.plan
    )
    require_section(access, item.section)
    return item


def plan_precaution(access: PlanAccess, item_id: int) -> Precaution:
    access.require(CHANGE, PRECAUTIONS_ONLY_LEAD)
    precaution = get_object_or_404(Precaution, pk=item_id, plan=access.plan)
    precaution.plan = access.plan
    return precaution


def create_page(request, access, form, create, *, noun: str, section=None) -> HttpResponse:
    heading = f"Add {noun}" + (f" to {section.get_discipline_display().lower()}" if section else "")
    return handle_form(
        request,
        access,
        form,
        create,
        context={"heading": heading, "submit_label": f"Add {noun}", "section": section},
        success_message=f"The {noun} is added.",
        success_url=plan_url(access, f"section-{section.pk}" if section else "precautions"),
    )


def edit_page(request, access, form, update, *, noun: str, anchor: str) -> HttpResponse:
    def save(data):
        fields, version = without_version(data)
        update(version, **fields)

    return handle_form(
        request,
        access,
        form,
        save,
        context={"heading": f"Edit {noun}", "submit_label": f"Save {noun}"},
        success_message=f"The {noun} is saved.",
        success_url=plan_url(access, anchor),
    )


def delete_page(request, access, item, delete, *, noun: str, anchor: str) -> HttpResponse:
    form = DeleteForm(posted(request), initial={"version": item.version})
    return handle_form(
        request,
        access,
        form,
        lambda data: delete(data["version"]),
        context={"heading": f"Remove {noun}", "item": item, "submit_label": f"Remove {noun}"},
        success_message=f"The {noun} is removed.",
        success_url=plan_url(access, anchor),
        template=CONFIRM_TEMPLATE,
    )


@plan_view("GET", "POST")
def precaution_create(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(CHANGE, PRECAUTIONS_ONLY_LEAD)
    form = PrecautionForm(posted(request))
    return create_page(
        request,
        access,
        form,
        lambda data: add_precaution(access.plan, request.user, **data),
        noun="precaution",
    )


@plan_view("GET", "POST")
def precaution_edit(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    precaution = plan_precaution(access, item_id)
    form = PrecautionForm(posted(request), instance=copy(precaution))
    return edit_page(
        request,
        access,
        form,
        lambda version, **fields: update_precaution(precaution, request.user, version, **fields),
        noun="precaution",
        anchor="precautions",
    )


@plan_view("GET", "POST")
def precaution_delete(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    precaution = plan_precaution(access, item_id)
    return delete_page(
        request,
        access,
        precaution,
        lambda version: delete_precaution(precaution, request.user, version),
        noun="precaution",
        anchor="precautions",
    )


@plan_view("GET", "POST")
def goal_create(request: HttpRequest, access: PlanAccess, section_id: int) -> HttpResponse:
    section = editable_section(access, section_id)
    form = GoalForm(posted(request))
    return create_page(
        request,
        access,
        form,
        lambda data: create_goal(section, request.user, **data),
        noun="goal",
        section=section,
    )


@plan_view("GET", "POST")
def goal_edit(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    goal = editable_item(access, Goal, item_id)
    form = GoalForm(posted(request), instance=copy(goal))
    return edit_page(
        request,
        access,
        form,
        lambda version, **fields: update_goal(goal, request.user, version, **fields),
        noun="goal",
        anchor=f"section-{goal.section_id}",
    )


@plan_view("GET", "POST")
def goal_delete(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    goal = editable_item(access, Goal, item_id)
    return delete_page(
        request,
        access,
        goal,
        lambda version: delete_goal(goal, request.user, version),
        noun="goal",
        anchor=f"section-{goal.section_id}",
    )


@plan_view("GET", "POST")
def activity_create(request: HttpRequest, access: PlanAccess, section_id: int) -> HttpResponse:
    section = editable_section(access, section_id)
    form = ActivityForm(posted(request))
    return create_page(
        request,
        access,
        form,
        lambda data: create_activity(section, request.user, **data),
        noun="activity",
        section=section,
    )


@plan_view("GET", "POST")
def activity_edit(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    activity = editable_item(access, Activity, item_id)
    form = ActivityForm(posted(request), instance=copy(activity))
    return edit_page(
        request,
        access,
        form,
        lambda version, **fields: update_activity(activity, request.user, version, **fields),
        noun="activity",
        anchor=f"section-{activity.section_id}",
    )


@plan_view("GET", "POST")
def activity_delete(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    activity = editable_item(access, Activity, item_id)
    return delete_page(
        request,
        access,
        activity,
        lambda version: delete_activity(activity, request.user, version),
        noun="activity",
        anchor=f"section-{activity.section_id}",
    )
