"""How rights on a care plan are stored and read: guardian object permissions ("grants").

This module is mechanics only. Which role holds which grant, and which grant each action
needs, is decided in ``careteam.policy``; services and views ask the policy, which reads
grants through the functions here. Joining a team grants the role's codenames on the plan,
leaving revokes them (``careteam.services.team``).

Every read here looks at object grants only. A model-level ``view_careplan`` and the
superuser flag open nothing: a superuser sees a plan only if they are on its team.

- ``plans_for_user(user, grant)``: any list of plans (one query);
- ``user_can(user, grant, plan)`` / ``perms_on(user, plan)``: one plan (one query);
- ``PlanGrants(user, plans)``: every grant and role of one user on many plans, read once
  per request;
- ``can_create_plans(user)``: the model-level grant to register patients and start plans.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import TypeAlias, TypeGuard

from django.contrib.auth.models import AnonymousUser, Group, Permission, User
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from guardian.core import ObjectPermissionChecker

from core.compiled_sql import CompiledRows

from .models import (
    CarePlan,
    CarePlanGroupObjectPermission,
    CarePlanUserObjectPermission,
    CareTeamMembership,
)

# Whoever is asking: a signed-in account or an anonymous visitor. (Services that write
# take a ``User``: only a signed-in account changes anything.)
Actor: TypeAlias = User | AnonymousUser

# The grant codenames declared on CarePlan.Meta (guardian stores them per user and plan).
VIEW = "view_careplan"
CHANGE = "change_careplan"
EDIT_ALL_SECTIONS = "edit_all_sections"
EDIT_OWN_SECTION = "edit_own_section"
ADD_TEAM_NOTE = "add_teamnote"
ACCESS_PRIVATE_NOTES = "access_private_notes"
MANAGE_TEAM = "manage_team"
VIEW_AUDIT_TRAIL = "view_audit_trail"

ALL_PLAN_GRANTS: tuple[str, ...] = (
    VIEW,
    CHANGE,
    EDIT_ALL_SECTIONS,
    EDIT_OWN_SECTION,
    ADD_TEAM_NOTE,
    ACCESS_PRIVATE_NOTES,
    MANAGE_TEAM,
    VIEW_AUDIT_TRAIL,
)

# The annotations ``with_team_role`` reads a viewer's role into, with the viewer's id.
ROLE_READ = "team_role_read"
ROLE_READ_FOR = "team_role_read_for"

# The group through which plan creators hold `careteam.add_careplan`.
PLAN_CREATORS_GROUP = "Pain management physicians"


def _codename(grant: str) -> str:
    return grant.split(".", 1)[1] if "." in grant else grant


def is_usable(user: Actor | None) -> TypeGuard[User]:
    """A signed-in, active account (anonymous visitors and switched-off logins hold nothing)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def _object_permission_checker(user: User) -> ObjectPermissionChecker:
    """guardian's checker answers True to everything for superusers; check the same user
    as an ordinary account so only their own object grants count."""
    if user.is_superuser:
        user = copy.copy(user)
        user.is_superuser = False
    return ObjectPermissionChecker(user)


def plan_ids_for_user(user: User | int, grant: str = VIEW) -> QuerySet:
    """The ids of the plans on which ``user`` (or the user of that id) holds ``grant``,
    directly or through a group: one UNION, for ``pk__in`` (PostgreSQL joins it to the
    plans through their primary key; guardian's OR of two IN-subqueries made it read the
    whole plans table twice)."""
    codename = _codename(grant)
    held = {"permission__codename": codename, "permission__content_type__app_label": "careteam"}
    # No ORDER BY: a part of a UNION may not have one.
    direct = CarePlanUserObjectPermission.objects.filter(user=user, **held).order_by()
    through_groups = CarePlanGroupObjectPermission.objects.filter(group__user=user, **held)
    through_groups = through_groups.order_by()
    return direct.values("content_object_id").union(through_groups.values("content_object_id"))


def plans_for_user(user: Actor, grant: str = VIEW) -> QuerySet[CarePlan]:
    """Plans on which ``user`` holds ``grant`` (user or group object grant)."""
    if not is_usable(user):
        return CarePlan.objects.none()
    return CarePlan.objects.filter(pk__in=plan_ids_for_user(user, grant))


def user_can(user: Actor, grant: str, plan: CarePlan | None) -> bool:
    """Whether ``user`` holds ``grant`` on this plan (object grants only)."""
    return _codename(grant) in perms_on(user, plan)


def perms_on(user: Actor, plan: CarePlan | None) -> frozenset[str]:
    """All the user's grant codenames on this plan, held directly or through a group: one
    query (the union of guardian's two tables, which its checker reads one at a time)."""
    if not is_usable(user) or plan is None or plan.pk is None:
        return frozenset()
    return frozenset(_PERMS.rows(user.pk, plan.pk))


def _perms(user_id: int, plan_id: int) -> QuerySet:
    direct = CarePlanUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id=plan_id
    ).values_list("permission__codename", flat=True)
    through_groups = CarePlanGroupObjectPermission.objects.filter(
        group__user=user_id, content_object_id=plan_id
    ).values_list("permission__codename", flat=True)
    return direct.union(through_groups)


# Every check of a user's rights on a plan reads them through this.
_PERMS = CompiledRows("a user's grants on a plan", _perms, ids=2)


def active_role(user: Actor, plan: CarePlan, *, lock: bool = False) -> str | None:
    """The user's role on the plan's team now, or None. With ``lock``, inside a
    transaction, their membership row stays locked until it ends (a removal committed
    meanwhile is seen; one that starts later waits). A plan loaded ``with_team_role`` for
    this user answers without a query (unless ``lock``)."""
    if not is_usable(user):
        return None
    if not lock and getattr(plan, ROLE_READ_FOR, None) == user.pk:
        return getattr(plan, ROLE_READ)
    rows = CareTeamMembership.objects.active().filter(plan=plan, user=user)
    if lock:
        rows = rows.select_for_update()
    roles = list(rows.values_list("role", flat=True)[:1])
    return roles[0] if roles else None


def with_team_role(plans: QuerySet[CarePlan], user: Actor) -> QuerySet[CarePlan]:
    """``plans`` each read with ``user``'s role on its team now (and whose role it is),
    for ``active_role`` to answer from: one query for the plan and the role."""
    if not is_usable(user):
        return plans
    return with_team_role_by_id(plans, user.pk)


def with_team_role_by_id(plans: QuerySet[CarePlan], user_id: int) -> QuerySet[CarePlan]:
    """``with_team_role`` for a signed-in, active account known by its id."""
    roles = (
        CareTeamMembership.objects.active()
        .filter(plan=OuterRef("pk"), user_id=user_id)
        .order_by("joined_at", "pk")
        .values("role")[:1]
    )
    return plans.annotate(
        **{ROLE_READ: Subquery(roles), ROLE_READ_FOR: Value(user_id, output_field=IntegerField())}
    )


class PlanGrants:
    """Every grant and role of one user on many plans, fetched in a fixed number of
    queries. Build once per request::

        grants = PlanGrants(request.user, plans)
        grants.perms(plan); grants.has(plan, "change_careplan"); grants.role(plan)
    """

    def __init__(self, user: Actor, plans: Iterable[CarePlan] | QuerySet[CarePlan]):
        self.user = user
        plans = list(plans)
        self._perms: dict[int, frozenset[str]] = {}
        self._roles: dict[int, str] = {}
        if not (is_usable(user) and plans):
            return
        checker = _object_permission_checker(user)
        # guardian documents a list of objects here, though it annotates a QuerySet; a
        # list spares the query a QuerySet's primary keys would cost.
        checker.prefetch_perms(plans)  # type: ignore[arg-type]
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

    def has(self, plan: CarePlan, grant: str) -> bool:
        return _codename(grant) in self.perms(plan)

    def role(self, plan: CarePlan) -> str | None:
        return self._roles.get(plan.pk)


def can_create_plans(user: Actor) -> bool:
    """The model-level grant to register patients and start plans (and lead them):
    ``careteam.add_careplan`` held directly or through the "Pain management physicians"
    group, plus a provider profile. The superuser flag does not count."""
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


def grant_objects(codenames: Iterable[str]) -> list[Permission]:
    """The Permission rows for plan grant codenames, in one query."""
    return list(
        Permission.objects.filter(
            content_type__app_label="careteam",
            content_type__model="careplan",
            codename__in=list(codenames),
        )
    )
