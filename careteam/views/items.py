"""Precautions, goals and activities: the versioned items inside a plan."""

from __future__ import annotations

from copy import copy

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from audit.models import AuditAction
from careteam.forms import ActivityForm, DeleteForm, GoalForm, PrecautionForm
from careteam.models import Activity, Goal, PlanSection, Precaution
from careteam.policy import PlanAction
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
from careteam.services import history as history_service

from .authorization import PlanAccess, deny_not_found, get_or_deny, plan_view
from .editing import CONFIRM_TEMPLATE, FORM_TEMPLATE, handle_form, plan_url, without_version
from .forms_util import posted


def require_section(access: PlanAccess, section: PlanSection) -> PlanSection:
    access.require(PlanAction.EDIT_SECTION, section)
    section.plan = access.plan
    return section


def editable_section(request: HttpRequest, access: PlanAccess, section_id: int) -> PlanSection:
    section = get_or_deny(
        request, PlanSection.objects.all(), access.plan, pk=section_id, plan=access.plan
    )
    return require_section(access, section)


def editable_item(access: PlanAccess, model, item_id: int):
    item = get_object_or_404(
        model.objects.select_related("section"), pk=item_id, section__plan=access.plan
    )
    require_section(access, item.section)
    return item


def plan_precaution(access: PlanAccess, item_id: int) -> Precaution:
    access.require(PlanAction.EDIT_PRECAUTIONS)
    precaution = get_object_or_404(Precaution, pk=item_id, plan=access.plan)
    precaution.plan = access.plan
    return precaution


def deleted_meanwhile(
    request: HttpRequest, access: PlanAccess, model, item_id: int, form_class, noun: str
) -> HttpResponse:
    """A save aimed at an item someone deleted after the form was opened: 409 with the
    user's input kept, rather than a bare 404. Anything else missing stays a 404."""
    deletion = None
    if request.method == "POST" and (model is Precaution or access.allows(PlanAction.EDIT_SECTION)):
        deletion = (
            history_service.plan_history(access.plan, request.user)
            .filter(
                action=AuditAction.DELETED,
                target_content_type=ContentType.objects.get_for_model(model),
                target_object_id=str(item_id),
            )
            .first()
        )
    if deletion is None:
        raise deny_not_found(request, access.plan, noun, item_id)
    who = deletion.actor.get_full_name() if deletion.actor else ""
    form = form_class(posted(request))
    form.is_valid()
    context = {
        "plan": access.plan,
        "access": access,
        "form": form,
        "heading": f"Edit {noun}",
        "cancel_url": plan_url(access),
        "conflict": {
            "message": f"This {noun} was deleted by {who or deletion.actor_username} while "
            "you were editing it. Nothing was saved; your input is below.",
            "changed_by": deletion.actor,
            "changed_at": deletion.occurred_at,
            "current_values": [],
            "deleted": True,
        },
    }
    return render(request, FORM_TEMPLATE, context, status=409)


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
    access.require(PlanAction.EDIT_PRECAUTIONS)
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
    try:
        precaution = plan_precaution(access, item_id)
    except Http404:
        return deleted_meanwhile(request, access, Precaution, item_id, PrecautionForm, "precaution")
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


def section_item_create(
    request: HttpRequest, access: PlanAccess, section_id: int, form_class, create, noun: str
) -> HttpResponse:
    """Add a goal or an activity to a section the user may edit."""
    section = editable_section(request, access, section_id)
    return create_page(
        request,
        access,
        form_class(posted(request)),
        lambda data: create(section, request.user, **data),
        noun=noun,
        section=section,
    )


def section_item_edit(
    request: HttpRequest, access: PlanAccess, model, item_id: int, form_class, update, noun: str
) -> HttpResponse:
    """Edit a goal or an activity in a section the user may edit."""
    try:
        item = editable_item(access, model, item_id)
    except Http404:
        return deleted_meanwhile(request, access, model, item_id, form_class, noun)
    return edit_page(
        request,
        access,
        form_class(posted(request), instance=copy(item)),
        lambda version, **fields: update(item, request.user, version, **fields),
        noun=noun,
        anchor=f"section-{item.section_id}",
    )


def section_item_delete(
    request: HttpRequest, access: PlanAccess, model, item_id: int, delete, noun: str
) -> HttpResponse:
    """Remove a goal or an activity from a section the user may edit."""
    item = editable_item(access, model, item_id)
    return delete_page(
        request,
        access,
        item,
        lambda version: delete(item, request.user, version),
        noun=noun,
        anchor=f"section-{item.section_id}",
    )


@plan_view("GET", "POST")
def goal_create(request: HttpRequest, access: PlanAccess, section_id: int) -> HttpResponse:
    return section_item_create(request, access, section_id, GoalForm, create_goal, "goal")


@plan_view("GET", "POST")
def goal_edit(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    return section_item_edit(request, access, Goal, item_id, GoalForm, update_goal, "goal")


@plan_view("GET", "POST")
def goal_delete(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    return section_item_delete(request, access, Goal, item_id, delete_goal, "goal")


@plan_view("GET", "POST")
def activity_create(request: HttpRequest, access: PlanAccess, section_id: int) -> HttpResponse:
    return section_item_create(
        request, access, section_id, ActivityForm, create_activity, "activity"
    )


@plan_view("GET", "POST")
def activity_edit(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    return section_item_edit(
        request, access, Activity, item_id, ActivityForm, update_activity, "activity"
    )


@plan_view("GET", "POST")
def activity_delete(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
    return section_item_delete(request, access, Activity, item_id, delete_activity, "activity")
