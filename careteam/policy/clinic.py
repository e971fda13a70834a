"""Clinic level: opening the provider pages at all, the model-level right to register
patients and start plans, the clinic's red-flag alert list for whoever is on call, and
emergency access ("break the glass"): who may open a plan they are not on, and who may end
or review such a grant."""

from __future__ import annotations

from audit.privacy import is_privacy_officer

from .. import grants
from ..grants import Actor, is_usable
from ..models import CarePlan, Discipline, EmergencyAccess, Provider
from .actions import PlanAction
from .plan import OPEN_PLAN_STATUSES, rights_on

# Providers of this discipline may register patients and start plans (they join the
# group that holds ``careteam.add_careplan`` when their profile is saved), and open a plan
# in an emergency.
PLAN_CREATOR_DISCIPLINE = Discipline.PAIN_MANAGEMENT

# Providers in this group (created by careteam's migration 0005; a clinic administrator
# adds and removes people in the Wagtail admin's Users) see the clinic's red-flag alerts.
ON_CALL_GROUP = "On call"


def may_open_provider_pages(user: Actor) -> bool:
    """The provider pages at /care/ are for signed-in users with a provider profile (their
    plans then depend on their teams); patients, editors and superusers get none."""
    return is_usable(user) and Provider.objects.filter(user=user).exists()


def may_register_patients(user: Actor) -> bool:
    """Registering patients and starting plans: a provider holding ``careteam.add_careplan``
    (pain-management physicians, through their group)."""
    return grants.can_create_plans(user)


def may_break_the_glass(user: Actor) -> bool:
    """Asking for emergency access at all (the /care/emergency/ form): a provider of
    ``PLAN_CREATOR_DISCIPLINE`` (one query)."""
    return (
        is_usable(user)
        and Provider.objects.filter(user=user, discipline=PLAN_CREATOR_DISCIPLINE).exists()
    )


def may_view_clinic_alerts(user: Actor) -> bool:
    """The clinic's red-flag alert list (/care/alerts/: every open alert and those closed in
    the last days, across all plans, by patient record number): providers in the "On call"
    group (one query). The list alone opens no plan: the plan's page still needs a place on
    its team or an emergency access. Other providers see their own teams' alerts on their
    dashboard; being a superuser or a privacy officer adds nothing."""
    return (
        is_usable(user)
        and Provider.objects.filter(user=user, user__groups__name=ON_CALL_GROUP).exists()
    )


# --- Emergency grants -----------------------------------------------------------------


def may_open_emergency_access(user: Actor, plan: CarePlan) -> bool:
    """Whether the user may open ``plan`` in an emergency: ``may_break_the_glass``, the plan
    is open, and they hold no view grant on it as a team member (a team member has no need,
    and an existing emergency grant does not count here: opening again returns it)."""
    return (
        may_break_the_glass(user)
        and plan.status in OPEN_PLAN_STATUSES
        and grants.VIEW not in grants.perms_on(user, plan)
    )


def may_end_emergency_access(user: Actor, grant: EmergencyAccess, *, lock: bool = False) -> bool:
    """Ending a grant early: the physician who holds it, or the plan's lead (who manages
    the team). ``lock`` as for ``rights_on``."""
    if not is_usable(user):
        return False
    if grant.user_id == user.pk:
        return True
    return rights_on(user, grant.plan, lock=lock).allows(PlanAction.MANAGE_TEAM)


def may_review_emergency_access(user: Actor, grant: EmergencyAccess) -> bool:
    """Reading a grant's record (reason, times, the pages viewed under it): its holder,
    the plan's lead (who reads the audit trail) and the clinic's privacy officers."""
    if not is_usable(user):
        return False
    if grant.user_id == user.pk:
        return True
    if rights_on(user, grant.plan).allows(PlanAction.VIEW_AUDIT_TRAIL):
        return True
    return is_privacy_officer(user)
