"""The care team: inviting a provider, removing a member, handing over the lead."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from careteam.forms import (
    FORMER_LEAD_LEAVES,
    HandOverLeadForm,
    InviteMemberForm,
    RemoveMemberForm,
)
from careteam.models import CareTeamMembership, TeamRole
from careteam.policy import PlanAction
from careteam.services import add_member, hand_over_lead, remove_member
from mfa.stepup import recent_authentication_required

from .authorization import PlanAccess, get_or_deny, plan_view
from .editing import CONFIRM_TEMPLATE, handle_form, plan_url
from .forms_util import posted


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


@plan_view("GET", "POST")
def member_add(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.MANAGE_TEAM)
    form = InviteMemberForm(posted(request))
    return handle_form(
        request,
        access,
        form,
        lambda data: add_member(access.plan, request.user, data["who"], data["role"]),
        context={"heading": "Add a provider to the team", "submit_label": "Add to team"},
        success_message="The provider is on the team and can open the plan now.",
        success_url=plan_url(access, "team"),
    )


@plan_view("GET", "POST")
def member_remove(request: HttpRequest, access: PlanAccess, membership_id: int) -> HttpResponse:
    access.require(PlanAction.MANAGE_TEAM)
    membership = get_or_deny(
        request,
        CareTeamMembership.objects.active().select_related("user"),
        access.plan,
        pk=membership_id,
        plan=access.plan,
    )
    form = RemoveMemberForm(posted(request))
    name = display_name(membership.user)
    return handle_form(
        request,
        access,
        form,
        lambda data: remove_member(access.plan, request.user, membership.user),
        context={
            "heading": f"Remove {name} from the team",
            "item": f"{name} ({membership.get_role_display()})",
            "submit_label": "Remove from team",
            "explanation": "They lose access to this plan at once. "
            "What they wrote stays attributed to them.",
            "is_lead": membership.role == TeamRole.LEAD,
        },
        success_message=f"{name} is no longer on the team.",
        success_url=plan_url(access, "team"),
        template=CONFIRM_TEMPLATE,
    )


@plan_view("GET", "POST")
@recent_authentication_required(when=lambda r, access: access.allows(PlanAction.HAND_OVER_LEAD))
def lead_hand_over(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.HAND_OVER_LEAD)
    form = HandOverLeadForm(posted(request))
    leaving = form.data.get("former_lead_role") == FORMER_LEAD_LEAVES
    return handle_form(
        request,
        access,
        form,
        lambda data: hand_over_lead(
            access.plan, request.user, data["who"], former_lead_role=data["former_lead_role"]
        ),
        context={"heading": "Hand over the lead", "submit_label": "Hand over the lead"},
        success_message="The lead is handed over.",
        success_url=reverse("careteam:dashboard") if leaving else plan_url(access, "team"),
    )
