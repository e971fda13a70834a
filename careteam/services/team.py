"""The care team: joining grants a role's grants on the plan
(``careteam.policy.ROLE_GRANTS``), leaving revokes them at once. Membership rows are ended,
never deleted, so past entries stay attributed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from core.compiled_sql import CompiledRows

from ..grants import grant_objects
from ..models import (
    CarePlan,
    CarePlanUserObjectPermission,
    CareTeamMembership,
    Discipline,
    Provider,
    TeamRole,
)
from ..policy import ROLE_GRANTS, ROLE_REQUIRED_DISCIPLINE, PlanAction
from ._common import change_guarded, require, touch_plan

TEAM_CHANGED_MESSAGE = "The team changed while you were editing it. Reload and try again."


def grant_role(plan: CarePlan, actor: User, membership: CareTeamMembership) -> list[str]:
    """Grant the membership's role its grants on the plan and record 'granted'."""
    codenames = sorted(ROLE_GRANTS[membership.role])
    CarePlanUserObjectPermission.objects.bulk_create(
        [
            CarePlanUserObjectPermission(
                user=membership.user, permission=permission, content_object=plan
            )
            for permission in grant_objects(codenames)
        ],
        ignore_conflicts=True,
    )
    record_event(
        actor,
        AuditAction.GRANTED,
        membership,
        plan=plan,
        detail={
            "user": membership.user.get_username(),
            "role": membership.role,
            "permissions": codenames,
        },
    )
    return codenames


def revoke_all(plan: CarePlan, actor: User, membership: CareTeamMembership) -> None:
    """Remove every object permission the member holds on the plan; record 'revoked'."""
    CarePlanUserObjectPermission.objects.filter(user=membership.user, content_object=plan).delete()
    record_event(
        actor,
        AuditAction.REVOKED,
        membership,
        plan=plan,
        detail={"user": membership.user.get_username(), "role": membership.role},
    )


def _provider(user: User) -> Provider:
    provider = Provider.objects.filter(user=user).first() if user is not None else None
    if provider is None or not user.is_active:
        raise ValidationError("Only active providers can be on a care team.")
    return provider


def _check_role_fits(role: str, provider: Provider) -> None:
    if role not in TeamRole.values:
        raise ValidationError({"role": "Choose a valid role."})
    required = ROLE_REQUIRED_DISCIPLINE.get(role)
    if required and provider.discipline != required:
        raise ValidationError(
            {
                "role": f"The {TeamRole(role).label} role needs a "
                f"{Discipline(required).label.lower()} provider."
            }
        )


def current_team(plan: CarePlan) -> list[CareTeamMembership]:
    """The plan's members now, in the order they joined, each with their account and
    provider profile: for a page that already let its reader see the plan."""
    return _TEAM.rows(plan.pk)


# Read on every plan page: compiled once.
_TEAM = CompiledRows(
    "a plan's team",
    lambda plan_id: (
        CareTeamMembership.objects.active()
        .filter(plan_id=plan_id)
        .select_related("user", "user__provider_profile")
        .order_by("joined_at", "pk")
    ),
)


def active_membership(plan: CarePlan, user: User) -> CareTeamMembership | None:
    return CareTeamMembership.objects.active().filter(plan=plan, user=user).first()


def add_member(plan: CarePlan, actor: User, user: User, role: str) -> CareTeamMembership:
    """Put a provider on the team with ``role`` and grant its permissions. Lead only.

    The lead role is only passed on with ``hand_over_lead``.
    """
    require(actor, PlanAction.MANAGE_TEAM, plan)
    if role == TeamRole.LEAD:
        raise ValidationError({"role": "A plan has one lead: hand the lead over instead."})
    _check_role_fits(role, _provider(user))
    if active_membership(plan, user) is not None:
        raise ValidationError("This provider is already on the team.")
    try:
        with change_guarded(actor, PlanAction.MANAGE_TEAM, plan):
            membership = CareTeamMembership.objects.create(
                plan=plan, user=user, role=role, added_by=actor
            )
            grant_role(plan, actor, membership)
            touch_plan(plan)
    except IntegrityError as error:
        raise ValidationError(TEAM_CHANGED_MESSAGE) from error
    return membership


def remove_member(plan: CarePlan, actor: User, user: User) -> CareTeamMembership:
    """End the member's time on the team and revoke their access immediately. Lead only.

    The lead cannot be removed: hand the lead over first.
    """
    require(actor, PlanAction.MANAGE_TEAM, plan)
    membership = active_membership(plan, user)
    if membership is None:
        raise ValidationError("This provider is not on the team.")
    if membership.role == TeamRole.LEAD:
        raise ValidationError("The lead cannot be removed: hand the lead over first.")
    now = timezone.now()
    with change_guarded(actor, PlanAction.MANAGE_TEAM, plan):
        ended = CareTeamMembership.objects.filter(pk=membership.pk, left_at__isnull=True).update(
            left_at=now, removed_by=actor
        )
        if not ended:
            raise ValidationError(TEAM_CHANGED_MESSAGE)
        membership.left_at, membership.removed_by = now, actor
        revoke_all(plan, actor, membership)
        touch_plan(plan, now)
    return membership


def hand_over_lead(
    plan: CarePlan,
    actor: User,
    new_lead_user: User,
    *,
    former_lead_role: str | None = TeamRole.CONTRIBUTOR,
) -> CareTeamMembership:
    """Make ``new_lead_user`` (a pain-management provider) the lead. Lead only.

    The former lead stays on the team as ``former_lead_role`` (contributor by default), or
    leaves it when that is None. If the new lead was already a member, that membership
    ends and a lead one begins. Returns the new lead's membership.
    """
    require(actor, PlanAction.HAND_OVER_LEAD, plan)
    _check_role_fits(TeamRole.LEAD, _provider(new_lead_user))
    now = timezone.now()
    try:
        with change_guarded(actor, PlanAction.HAND_OVER_LEAD, plan):
            current_lead = (
                CareTeamMembership.objects.active()
                .select_for_update()
                .select_related("user")
                .get(plan=plan, role=TeamRole.LEAD)
            )
            if current_lead.user_id == new_lead_user.pk:
                raise ValidationError("This provider is already the lead.")
            if former_lead_role is not None:
                if former_lead_role == TeamRole.LEAD:
                    raise ValidationError({"role": "Choose the former lead's new role."})
                _check_role_fits(former_lead_role, _provider(current_lead.user))
            previous = active_membership(plan, new_lead_user)
            for ending in filter(None, (current_lead, previous)):
                CareTeamMembership.objects.filter(pk=ending.pk).update(
                    left_at=now, removed_by=actor
                )
                ending.left_at = now
                revoke_all(plan, actor, ending)
            new_lead = CareTeamMembership.objects.create(
                plan=plan, user=new_lead_user, role=TeamRole.LEAD, added_by=actor
            )
            grant_role(plan, actor, new_lead)
            if former_lead_role is not None:
                stays = CareTeamMembership.objects.create(
                    plan=plan, user=current_lead.user, role=former_lead_role, added_by=actor
                )
                grant_role(plan, actor, stays)
            touch_plan(plan, now)
    except CareTeamMembership.DoesNotExist as error:
        raise ValidationError(TEAM_CHANGED_MESSAGE) from error
    except IntegrityError as error:
        raise ValidationError(TEAM_CHANGED_MESSAGE) from error
    return new_lead
