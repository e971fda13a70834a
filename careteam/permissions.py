"""Who may do what on a care plan: guardian object permissions, granted by team role.

Every check here looks at object permissions only. A model-level ``view_careplan`` and
the superuser flag open nothing: a superuser sees a plan only if they are on its team.

Use:

- ``plans_for_user(user, perm)`` for any list of plans (one query);
- ``user_can(user, perm, plan)`` for a single check;
- ``can_edit_section(user, plan, section)`` for discipline-bound edits;
- ``PlanPermissions(user, plans)`` once per request when rendering many plans;
- ``can_create_plans(user)`` for the model-level right to start a plan.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TypeAlias

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.db.models import Q, QuerySet
from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from .models import (
    CarePlan,
    CarePlanGroupObjectPermission,
    CarePlanUserObjectPermission,
    CareTeamMembership,
    Discipline,
    PlanSection,
    TeamRole,
)

# Whoever is acting: a signed-in account or an anonymous visitor.
Actor: TypeAlias = AbstractBaseUser | AnonymousUser

VIEW = "view_careplan"
CHANGE = "change_careplan"
EDIT_ALL_SECTIONS = "edit_all_sections"
EDIT_OWN_SECTION = "edit_own_section"
ADD_TEAM_NOTE = "add_teamnote"
ACCESS_PRIVATE_NOTES = "access_private_notes"
MANAGE_TEAM = "manage_team"
VIEW_AUDIT_TRAIL = "view_audit_trail"

ALL_PLAN_PERMISSIONS: tuple[str, ...] = (
    VIEW,
    CHANGE,
    EDIT_ALL_SECTIONS,
    EDIT_OWN_SECTION,
    ADD_TEAM_NOTE,
    ACCESS_PRIVATE_NOTES,
    MANAGE_TEAM,
    VIEW_AUDIT_TRAIL,
)

# Issue 3's matrix. The lead edits every section but never reads private notes.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    TeamRole.LEAD: frozenset(
        {VIEW, CHANGE, EDIT_ALL_SECTIONS, ADD_TEAM_NOTE, MANAGE_TEAM, VIEW_AUDIT_TRAIL}
    ),
    TeamRole.PHYSICAL_THERAPY: frozenset({VIEW, EDIT_OWN_SECTION, ADD_TEAM_NOTE}),
    TeamRole.MENTAL_HEALTH: frozenset(
        {VIEW, EDIT_OWN_SECTION, ADD_TEAM_NOTE, ACCESS_PRIVATE_NOTES}
    ),
    TeamRole.CONTRIBUTOR: frozenset({VIEW, ADD_TEAM_NOTE}),
}

# The section a discipline-bound role may edit ("own discipline's section").
ROLE_SECTION_DISCIPLINE: dict[str, str] = {
    TeamRole.PHYSICAL_THERAPY: Discipline.PHYSICAL_THERAPY,
    TeamRole.MENTAL_HEALTH: Discipline.MENTAL_HEALTH,
}

# Providers with this discipline get `careteam.add_careplan` through this group.
PLAN_CREATORS_GROUP = "Pain management physicians"
PLAN_CREATOR_DISCIPLINE = Discipline.PAIN_MANAGEMENT


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1] if "." in perm else perm


def is_usable(user: Actor) -> bool:
    """A signed-in, active account (anonymous visitors and switched-off logins hold nothing)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _object_permission_checker(user: Actor) -> ObjectPermissionChecker:
    """guardian's checker answers True to everything for superusers; check the same user
    as an ordinary account so only their own object grants count."""
    if user.is_superuser:
        user = copy.copy(user)
        user.is_superuser = False
    return ObjectPermissionChecker(user)


def plans_for_user(user: Actor, perm: str = "careteam.view_careplan") -> QuerySet[CarePlan]:
    """Plans on which ``user`` holds ``perm`` as an object permission (user or group grant)."""
    if not is_usable(user):
        return CarePlan.objects.none()
    return get_objects_for_user(
        user,
        f"careteam.{_codename(perm)}",
        klass=CarePlan.objects.all(),
        accept_global_perms=False,
        with_superuser=False,
    )


def user_can(user: Actor, perm: str, plan: CarePlan) -> bool:
    """Whether ``user`` holds ``perm`` on this plan (object permissions only)."""
    if not is_usable(user) or plan is None or plan.pk is None:
        return False
    return _object_permission_checker(user).has_perm(_codename(perm), plan)


def perms_on(user: Actor, plan: CarePlan) -> frozenset[str]:
    """All the user's permission codenames on this plan (object grants only; 2 queries)."""
    if not is_usable(user) or plan is None or plan.pk is None:
        return frozenset()
    return frozenset(_object_permission_checker(user).get_perms(plan))


def active_role(user: Actor, plan: CarePlan) -> str | None:
    """The user's role on the plan's team now, or None."""
    if not is_usable(user):
        return None
    return (
        CareTeamMembership.objects.active()
        .filter(plan=plan, user=user)
        .values_list("role", flat=True)
        .first()
    )


def section_editable(perms: Iterable[str], role: str | None, section: PlanSection) -> bool:
    """The section rule on already-known permissions and role (no queries)."""
    perms = set(perms)
    if EDIT_ALL_SECTIONS in perms:
        return True
    return (
        EDIT_OWN_SECTION in perms
        and role is not None
        and ROLE_SECTION_DISCIPLINE.get(role) == section.discipline
    )


def can_edit_section(user: Actor, plan: CarePlan, section: PlanSection) -> bool:
    """Whether ``user`` may add, change or remove goals and activities in ``section``."""
    if not is_usable(user) or section.plan_id != plan.pk:
        return False
    perms = _object_permission_checker(user).get_perms(plan)
    if EDIT_ALL_SECTIONS in perms:
        return True
    if EDIT_OWN_SECTION not in perms:
        return False
    return section_editable(perms, active_role(user, plan), section)


class PlanPermissions:
    """Every permission and role of one user on many plans, fetched in a fixed number of
    queries. Build once per request::

        perms = PlanPermissions(request.user, plans)
        perms.has(plan, "change_careplan"); perms.role(plan); perms.can_edit_section(plan, s)
    """

    def __init__(self, user: Actor, plans: Iterable[CarePlan] | QuerySet[CarePlan]):
        self.user = user
        plans = list(plans)
        self._perms: dict[int, frozenset[str]] = {}
        self._roles: dict[int, str] = {}
        if not (is_usable(user) and plans):
            return
        checker = _object_permission_checker(user)
        checker.prefetch_perms(plans)
        # Served from the checker's prefetched cache: no query per plan.
        self._perms = {plan.pk: frozenset(checker.get_perms(plan)) for plan in plans}
        self._roles = dict(
            CareTeamMembership.objects.active()
            .filter(user=user, plan__in=list(self._perms))
            .values_list("plan_id", "role")
        )

    def perms(self, plan: CarePlan) -> frozenset[str]:
        """The user's codenames on ``plan``; empty for a plan not passed in."""
        return self._perms.get(plan.pk, frozenset())

    def has(self, plan: CarePlan, perm: str) -> bool:
        return _codename(perm) in self.perms(plan)

    def role(self, plan: CarePlan) -> str | None:
        return self._roles.get(plan.pk)

    def can_edit_section(self, plan: CarePlan, section: PlanSection) -> bool:
        return section.plan_id == plan.pk and section_editable(
            self.perms(plan), self.role(plan), section
        )


def can_create_plans(user: Actor) -> bool:
    """The model-level right to start a plan (and lead it): ``careteam.add_careplan``
    granted directly or through the "Pain management physicians" group, plus a provider
    profile. The superuser flag does not count."""
    if not is_usable(user) or not hasattr(user, "provider_profile"):
        return False
    return Permission.objects.filter(
        Q(user=user) | Q(group__user=user),
        content_type__app_label="careteam",
        codename="add_careplan",
    ).exists()


def plan_creators_group() -> Group:
    """The group holding ``careteam.add_careplan`` (created on first use)."""
    group, _ = Group.objects.get_or_create(name=PLAN_CREATORS_GROUP)
    permission = Permission.objects.get(content_type__app_label="careteam", codename="add_careplan")
    group.permissions.add(permission)
    return group


def plan_permission_objects(codenames: Iterable[str]) -> list[Permission]:
    """The Permission rows for plan codenames, in one query."""
    return list(
        Permission.objects.filter(
            content_type__app_label="careteam",
            content_type__model="careplan",
            codename__in=list(codenames),
        )
    )


__all__ = [
    "ACCESS_PRIVATE_NOTES",
    "Actor",
    "ADD_TEAM_NOTE",
    "ALL_PLAN_PERMISSIONS",
    "CHANGE",
    "CarePlanGroupObjectPermission",
    "CarePlanUserObjectPermission",
    "EDIT_ALL_SECTIONS",
    "EDIT_OWN_SECTION",
    "MANAGE_TEAM",
    "PLAN_CREATORS_GROUP",
    "PlanPermissions",
    "ROLE_PERMISSIONS",
    "ROLE_SECTION_DISCIPLINE",
    "VIEW",
    "VIEW_AUDIT_TRAIL",
    "active_role",
    "can_create_plans",
    "can_edit_section",
    "is_usable",
    "plan_creators_group",
    "plan_permission_objects",
    "perms_on",
    "plans_for_user",
    "section_editable",
    "user_can",
]
