"""Plan level: a user's rights on one plan, from their role on its team (guardian grants)
and any active emergency access; and which roles hold which grants."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db.models import QuerySet

from core.compiled_sql import CompiledQuery

from .. import grants
from ..grants import Actor, is_usable
from ..models import (
    CarePlan,
    CarePlanStatus,
    Discipline,
    EmergencyAccess,
    PlanSection,
    TeamRole,
)
from .actions import PLAN_RULES, PlanAction

# The pseudo-grant an active emergency access adds to its holder's rights on the plan. It
# is never stored by guardian (expiry is read from ``EmergencyAccess``), and it allows
# these actions only: reading the plan and its history and the threads with the patient
# to the whole team, never writing, never private notes or mental-health threads, never
# the audit trail.
EMERGENCY_VIEW = "emergency_view"
EMERGENCY_ACTIONS: frozenset[PlanAction] = frozenset({PlanAction.VIEW, PlanAction.READ_MESSAGES})

# Which grants each role holds on a plan. The lead edits every section but never reads
# psychotherapy notes.
ROLE_GRANTS: dict[str, frozenset[str]] = {
    TeamRole.LEAD: frozenset(
        {
            grants.VIEW,
            grants.CHANGE,
            grants.EDIT_ALL_SECTIONS,
            grants.ADD_TEAM_NOTE,
            grants.MANAGE_TEAM,
            grants.VIEW_AUDIT_TRAIL,
        }
    ),
    TeamRole.PHYSICAL_THERAPY: frozenset(
        {grants.VIEW, grants.EDIT_OWN_SECTION, grants.ADD_TEAM_NOTE}
    ),
    TeamRole.MENTAL_HEALTH: frozenset(
        {grants.VIEW, grants.EDIT_OWN_SECTION, grants.ADD_TEAM_NOTE, grants.ACCESS_PRIVATE_NOTES}
    ),
    TeamRole.CONTRIBUTOR: frozenset({grants.VIEW, grants.ADD_TEAM_NOTE}),
}

# Who may fill a role: one that reaches the clinical records of a discipline needs a
# provider of it; the lead is a pain-management physician. Contributors can be anyone.
ROLE_REQUIRED_DISCIPLINE: dict[str, str] = {
    TeamRole.LEAD: Discipline.PAIN_MANAGEMENT,
    TeamRole.PHYSICAL_THERAPY: Discipline.PHYSICAL_THERAPY,
    TeamRole.MENTAL_HEALTH: Discipline.MENTAL_HEALTH,
}

# The section a discipline-bound role may edit ("own discipline's section").
ROLE_SECTION_DISCIPLINE: dict[str, str] = {
    TeamRole.PHYSICAL_THERAPY: Discipline.PHYSICAL_THERAPY,
    TeamRole.MENTAL_HEALTH: Discipline.MENTAL_HEALTH,
}

# Actions that are the physical therapy section's work outside the section itself (the
# home exercise programme): allowed to whoever edits every section (the lead) and to a
# role whose own section is physical therapy.
PHYSICAL_THERAPY_ACTIONS: frozenset[PlanAction] = frozenset({PlanAction.PRESCRIBE_EXERCISES})


# Open plans: their lead speaks for the patient's shared record and login, and only they
# can be opened in an emergency.
OPEN_PLAN_STATUSES = (CarePlanStatus.DRAFT, CarePlanStatus.ACTIVE, CarePlanStatus.ON_HOLD)


def roles_allowed(action: PlanAction) -> frozenset[str]:
    """The team roles that may take a plan action (on some section, for section edits)."""
    if action is PlanAction.EDIT_SECTION:
        return frozenset({TeamRole.LEAD, *ROLE_SECTION_DISCIPLINE})
    if action in PHYSICAL_THERAPY_ACTIONS:
        return frozenset({TeamRole.LEAD, *_physical_therapy_roles()})
    grant = PLAN_RULES[action].grant
    return frozenset(role for role, held in ROLE_GRANTS.items() if grant in held)


def _physical_therapy_roles() -> frozenset[str]:
    return frozenset(
        role
        for role, discipline in ROLE_SECTION_DISCIPLINE.items()
        if discipline == Discipline.PHYSICAL_THERAPY
    )


def schedule_questionnaire_action(sensitive: bool) -> PlanAction:
    """The action that scheduling, changing or stopping a questionnaire takes: any member
    schedules, but a mental-health one (``sensitive``: PHQ-9, GAD-7) only a member who may
    read its results (``SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES`` needs the grant of
    ``VIEW_MENTAL_HEALTH_RESULTS``)."""
    if sensitive:
        return PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES
    return PlanAction.SCHEDULE_QUESTIONNAIRES


def needs_role(action: str, codenames: Iterable[str]) -> bool:
    """Whether deciding ``action`` from these grants also needs the user's role: only a
    section edit (or physical therapy work) by someone who edits their own discipline's
    section."""
    codenames = frozenset(codenames)
    return (
        (action == PlanAction.EDIT_SECTION or action in PHYSICAL_THERAPY_ACTIONS)
        and grants.EDIT_ALL_SECTIONS not in codenames
        and grants.EDIT_OWN_SECTION in codenames
    )


@dataclass(frozen=True)
class Rights:
    """One user's grants and role on one plan, as read once; decisions cost no query."""

    codenames: frozenset[str]
    role: str | None = None
    # The active emergency grant behind ``EMERGENCY_VIEW``, when it was read with the rights.
    emergency: EmergencyAccess | None = None

    @property
    def can_view(self) -> bool:
        return grants.VIEW in self.codenames or self.by_emergency

    @property
    def by_emergency(self) -> bool:
        """Whether these rights come from an emergency access (read-only)."""
        return EMERGENCY_VIEW in self.codenames

    def allows(self, action: PlanAction, section: PlanSection | None = None) -> bool:
        """Whether these rights allow ``action``. For ``EDIT_SECTION``, on ``section`` (or,
        without one, on at least one section)."""
        if self.by_emergency and action in EMERGENCY_ACTIONS:
            return True
        if action is PlanAction.EDIT_SECTION:
            if grants.EDIT_ALL_SECTIONS in self.codenames:
                return True
            if grants.EDIT_OWN_SECTION not in self.codenames:
                return False
            if section is None:
                return True
            own = ROLE_SECTION_DISCIPLINE.get(self.role or "")
            return own is not None and own == section.discipline
        if action in PHYSICAL_THERAPY_ACTIONS:
            return grants.EDIT_ALL_SECTIONS in self.codenames or (
                grants.EDIT_OWN_SECTION in self.codenames and self.role in _physical_therapy_roles()
            )
        return PLAN_RULES[action].grant in self.codenames

    def allows_on(
        self, plan: CarePlan, action: PlanAction, section: PlanSection | None = None
    ) -> bool:
        """``allows``, for rights read on ``plan``: a section of another plan allows
        nothing (an id taken from one plan's page and sent under another's)."""
        if section is not None and section.plan_id != plan.pk:
            return False
        return self.allows(action, section)


def active_emergency_access(user: Actor, plan: CarePlan | int) -> EmergencyAccess | None:
    """The user's emergency grant on ``plan`` in force now, if any (one query)."""
    if not is_usable(user):
        return None
    return EmergencyAccess.objects.active().filter(user=user, plan=plan).first()


def _with_emergency(codenames: frozenset[str], grant: EmergencyAccess | None) -> frozenset[str]:
    return codenames | {EMERGENCY_VIEW} if grant is not None else codenames


def rights_on(
    user: Actor, plan: CarePlan, *, action: str = "", lock: bool = False, with_role: bool = False
) -> Rights:
    """The user's rights on ``plan``. The role is read when ``lock`` is set (in the same
    query that locks their membership row until the transaction ends), when ``action``
    needs it, or with ``with_role`` (a page that shows what the role allows, section by
    section); two queries otherwise, and one more for someone who may not view the plan
    (is there an emergency access?)."""
    role = grants.active_role(user, plan, lock=True) if lock else None
    codenames = grants.perms_on(user, plan)
    if not lock and (with_role or needs_role(action, codenames)):
        role = grants.active_role(user, plan)
    emergency = None
    if grants.VIEW not in codenames and plan.pk is not None:
        emergency = active_emergency_access(user, plan)
    return Rights(_with_emergency(codenames, emergency), role, emergency)


def may(
    user: Actor, action: PlanAction, plan: CarePlan, *, section: PlanSection | None = None
) -> bool:
    """A single check of a plan action (two or three queries)."""
    return rights_on(user, plan, action=action).allows_on(plan, action, section)


class PlanRights:
    """The user's rights on many plans, read in a fixed number of queries::

    rights = PlanRights(request.user, plans)
    rights.on(plan).allows(PlanAction.EDIT_PLAN)
    """

    def __init__(self, user: Actor, plans: Iterable[CarePlan] | QuerySet[CarePlan]):
        self.user = user
        plans = list(plans)
        self._grants = grants.PlanGrants(user, plans)
        # Emergency grants are looked for only on plans the user may not view as a member:
        # no query at all for a page of the user's own plans.
        outside = [plan.pk for plan in plans if not self._grants.has(plan, grants.VIEW)]
        self._emergency: dict[int, EmergencyAccess] = {}
        if outside and is_usable(user):
            self._emergency = {
                grant.plan_id: grant
                for grant in EmergencyAccess.objects.active().filter(user=user, plan__in=outside)
            }

    def on(self, plan: CarePlan) -> Rights:
        emergency = self._emergency.get(plan.pk)
        codenames = _with_emergency(self._grants.perms(plan), emergency)
        return Rights(codenames, self._grants.role(plan), emergency)

    def allows(
        self, plan: CarePlan, action: PlanAction, section: PlanSection | None = None
    ) -> bool:
        return self.on(plan).allows_on(plan, action, section)


def _plan_ids(action: PlanAction, user_id: int, *, at: datetime.datetime) -> QuerySet:
    """The ids of the plans on which the user may take ``action``: their grants, and for
    the emergency actions their emergency grants active at ``at``."""
    ids = grants.plan_ids_for_user(user_id, PLAN_RULES[action].grant)
    if action in EMERGENCY_ACTIONS:
        emergency = EmergencyAccess.objects.active(at).filter(user_id=user_id).order_by()
        ids = ids.union(emergency.values("plan_id"))
    return ids


# Each action's subquery is compiled once per process: the dashboard's panels use several.
_PLAN_IDS = {
    action: CompiledQuery(f"plans where {action}", partial(_plan_ids, action), at=True)
    for action in PlanAction
}


def plans_where(user: Actor, action: PlanAction = PlanAction.VIEW) -> QuerySet[CarePlan]:
    """Plans on which the user may take ``action`` (one query; any section for edits).
    For the emergency actions (viewing), the plans of the user's active emergency grants
    too."""
    if not is_usable(user):
        return CarePlan.objects.none()
    return CarePlan.objects.filter(pk__in=_PLAN_IDS[action].sql(user.pk))
