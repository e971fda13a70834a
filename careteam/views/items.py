"""Precautions, goals and activities: the versioned items inside a plan."""

from __future__ import annotations

from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from audit.models import AuditAction
from careteam.forms import ActivityForm, DeleteForm, GoalForm, PrecautionForm
from careteam.models import Activity, Goal, PlanSection, Precaution
from careteam.permissions import CHANGE, EDIT_ALL_SECTIONS, EDIT_OWN_SECTION
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

from .authorization import ActionNotAllowed, PlanAccess, deny_not_found, get_or_deny, plan_view
from .editing import CONFIRM_TEMPLATE, FORM_TEMPLATE, handle_form, plan_url, without_version
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
    access.require(CHANGE, PRECAUTIONS_ONLY_LEAD)
    precaution = get_object_or_404(Precaution, pk=item_id, plan=access.plan)
    precaution.plan = access.plan
    return precaution


def may_edit_some_section(access: PlanAccess) -> bool:
    return access.has(EDIT_ALL_SECTIONS) or access.has(EDIT_OWN_SECTION)


def deleted_meanwhile(
    request: HttpRequest, access: PlanAccess, model, item_id: int, form_class, noun: str
) -> HttpResponse:
    """A save aimed at an item someone deleted after the form was opened: 409 with the
    user's input kept, rather than a bare 404. Anything else missing stays a 404."""
    deletion = None
    if request.method == "POST" and (model is Precaution or may_edit_some_section(access)):
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


@dataclass(frozen=True)
class SectionItemKind:
    """Goals and activities are edited the same way; only these differ."""

    noun: str
    model: type[Goal] | type[Activity]
    form_class: type[GoalForm] | type[ActivityForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]


def section_item_views(kind: SectionItemKind) -> tuple[Callable[..., HttpResponse], ...]:
    """The create, edit and delete views for one kind of section item."""

    def create_view(request: HttpRequest, access: PlanAccess, section_id: int) -> HttpResponse:
        section = editable_section(request, access, section_id)
        return create_page(
            request,
            access,
            kind.form_class(posted(request)),
            lambda data: kind.create(section, request.user, **data),
            noun=kind.noun,
            section=section,
        )

    def edit_view(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
        try:
            item = editable_item(access, kind.model, item_id)
        except Http404:
            return deleted_meanwhile(
                request, access, kind.model, item_id, kind.form_class, kind.noun
            )
        return edit_page(
            request,
            access,
            kind.form_class(posted(request), instance=copy(item)),
            lambda version, **fields: kind.update(item, request.user, version, **fields),
            noun=kind.noun,
            anchor=f"section-{item.section_id}",
        )

    def delete_view(request: HttpRequest, access: PlanAccess, item_id: int) -> HttpResponse:
        item = editable_item(access, kind.model, item_id)
        return delete_page(
            request,
            access,
            item,
            lambda version: kind.delete(item, request.user, version),
            noun=kind.noun,
            anchor=f"section-{item.section_id}",
        )

    views = []
    for action, view in (("create", create_view), ("edit", edit_view), ("delete", delete_view)):
        view.__name__ = view.__qualname__ = f"{kind.noun}_{action}"
        views.append(plan_view("GET", "POST")(view))
    return tuple(views)


GOAL = SectionItemKind("goal", Goal, GoalForm, create_goal, update_goal, delete_goal)
ACTIVITY = SectionItemKind(
    "activity", Activity, ActivityForm, create_activity, update_activity, delete_activity
)
goal_create, goal_edit, goal_delete = section_item_views(GOAL)
activity_create, activity_edit, activity_delete = section_item_views(ACTIVITY)
