"""The rulebook: who may do what to a care plan, to a patient, and in the clinic.

Every rule about care plans lives here, and nowhere else. An action has one name (what a
refusal is audited as), the level it belongs to, the roles that may take it, and the one
sentence a refused user reads. Three levels:

- **Plan** (``PlanAction``): on one plan, from the user's role on its team. Roles hold
  grants (``ROLE_GRANTS``: guardian object permissions, granted on joining a team and
  revoked on leaving); each action needs one grant (``PLAN_RULES``). Editing goals and
  activities is bound to a section: the lead edits every section, the physical therapist
  and the mental-health professional their own discipline's (``ROLE_SECTION_DISCIPLINE``).
- **Patient** (``PatientAction``): things that belong to the patient, not to any one plan
  (their shared details, their portal login, the start of another plan), decided from the
  roles the user holds on the patient's open plans.
- **Clinic** (``ClinicAction``): opening the provider pages at all (providers only), the
  model-level right to register patients and start plans, and the right to open a plan in
  an emergency ("break the glass"), both for pain-management physicians.

Emergency access: a pain-management physician who is not on a plan's team may open an open
plan for a bounded time after giving a reason (``may_open_emergency_access``;
``careteam.services.emergency``). While the grant is active and unexpired
(``EmergencyAccess.objects.active()``, so expiry needs no job) their rights on that plan
hold the pseudo-grant ``EMERGENCY_VIEW``, which allows ``EMERGENCY_ACTIONS`` (viewing) and
nothing else: ``rights_on``, ``PlanRights`` and ``plans_where`` all see it, and only look
for it when the user holds no view grant, so team members pay no query for it. Who may end
or review a grant is ``EmergencyAction``.

Use:

- ``may(user, action, plan, section=...)`` for a single check (a link or a button);
- ``PlanRights(user, plans)`` once per request when a page shows many plans, then
  ``rights.on(plan).allows(action)``: no further queries;
- ``rights_on(user, plan, lock=True)`` inside a write's transaction: re-read with the
  user's membership row locked, so a removal from the team cannot slip in between;
- ``may_act_on_patient(user, action, patient, lock=...)`` and ``may_start_plan_for`` for
  the patient level; ``may_open_provider_pages(user)``, ``may_register_patients(user)`` and
  ``may_break_the_glass(user)`` for the clinic level;
- ``may_open_emergency_access(user, plan)``, ``may_end_emergency_access(user, grant)`` and
  ``may_review_emergency_access(user, grant)`` for emergency grants;
- ``plans_where(user, action)`` for a list of plans.

Services turn a refusal into ``CareAccessDenied`` with ``refusal(action)``
(``careteam.services.require``, ``change_guarded``, ``require_patient_action``,
``patient_action_guarded``); views turn that into 404 or 403 and never state a rule. A user
who may not see the plan gets 404 and never the sentence. Being staff or superuser adds
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from audit.privacy import is_privacy_officer

from . import grants
from .grants import Actor, is_usable
from .models import (
    CarePlan,
    CarePlanStatus,
    CareTeamMembership,
    Discipline,
    EmergencyAccess,
    Patient,
    PlanSection,
    Provider,
    TeamRole,
)


class PlanAction(StrEnum):
    """What a member may do to one plan. The value is the name refusals are audited as."""

    VIEW = "view_careplan"
    EDIT_PLAN = "change_careplan"
    EDIT_PRECAUTIONS = "edit_precautions"
    EDIT_SECTION = "edit_section"
    ADD_TEAM_NOTE = "add_teamnote"
    PRIVATE_NOTES = "access_private_notes"
    MANAGE_TEAM = "manage_team"
    HAND_OVER_LEAD = "hand_over_lead"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    ASSIGN_READING = "assign_reading"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"


class PatientAction(StrEnum):
    """What a provider may do to a patient across their plans."""

    START_PLAN = "start_plan"
    CHANGE_PATIENT_DETAILS = "change_patient_details"
    INVITE_PATIENT = "invite_patient"
    SWITCH_OFF_PORTAL_ACCESS = "switch_off_portal_access"


class ClinicAction(StrEnum):
    """What a user may do in the clinic, before any patient or plan is in question."""

    OPEN_PROVIDER_PAGES = "open_provider_pages"
    REGISTER_PATIENTS = "register_patients"
    BREAK_THE_GLASS = "break_the_glass"


class EmergencyAction(StrEnum):
    """What may be done with an emergency grant once it exists, and the one thing it does
    not allow: anything but reading (``READ_ONLY``: the name its refusals are audited as)."""

    END = "end_emergency_access"
    REVIEW = "review_emergency_access"
    READ_ONLY = "emergency_read_only"


REGISTER_PATIENTS = ClinicAction.REGISTER_PATIENTS

# Providers of this discipline may register patients and start plans (they join the
# group that holds ``careteam.add_careplan`` when their profile is saved), and open a plan
# in an emergency.
PLAN_CREATOR_DISCIPLINE = Discipline.PAIN_MANAGEMENT

# The pseudo-grant an active emergency access adds to its holder's rights on the plan. It
# is never stored by guardian (expiry is read from ``EmergencyAccess``), and it allows
# these actions only: reading the plan and its history, never writing, never private
# notes, never the audit trail.
EMERGENCY_VIEW = "emergency_view"
EMERGENCY_ACTIONS: frozenset[PlanAction] = frozenset({PlanAction.VIEW})

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


@dataclass(frozen=True)
class Rule:
    """The grant an action needs, and the sentence a member without it reads."""

    grant: str
    refusal: str


# Each plan action: the grant it needs and the sentence a refused member reads.
PLAN_RULES: dict[PlanAction, Rule] = {
    PlanAction.VIEW: Rule(grants.VIEW, "You do not have access to this."),
    PlanAction.EDIT_PLAN: Rule(
        grants.CHANGE, "Only the team lead can edit the plan's summary, status and dates."
    ),
    PlanAction.EDIT_PRECAUTIONS: Rule(
        grants.CHANGE, "Only the team lead can change the plan's precautions."
    ),
    # The lead's grant; discipline-bound roles pass through ROLE_SECTION_DISCIPLINE.
    PlanAction.EDIT_SECTION: Rule(
        grants.EDIT_ALL_SECTIONS,
        "Your role on this team lets you edit goals and activities only in your own "
        "discipline's section.",
    ),
    PlanAction.ADD_TEAM_NOTE: Rule(
        grants.ADD_TEAM_NOTE, "Your role on this team cannot add team notes."
    ),
    PlanAction.PRIVATE_NOTES: Rule(
        grants.ACCESS_PRIVATE_NOTES,
        "Psychotherapy notes are visible only to the mental-health members of this team.",
    ),
    PlanAction.MANAGE_TEAM: Rule(
        grants.MANAGE_TEAM, "Only the team lead can change who is on the team."
    ),
    PlanAction.HAND_OVER_LEAD: Rule(
        grants.MANAGE_TEAM, "Only the team lead can hand over the lead."
    ),
    PlanAction.VIEW_AUDIT_TRAIL: Rule(
        grants.VIEW_AUDIT_TRAIL, "Only the team lead can read the plan's audit trail."
    ),
    PlanAction.ASSIGN_READING: Rule(
        grants.VIEW, "Only members of this patient's care team can assign reading."
    ),
    PlanAction.ACKNOWLEDGE_ALERT: Rule(
        grants.VIEW, "Only members of this patient's care team can acknowledge an alert."
    ),
}

# Plans whose lead speaks for the patient's shared record and login.
OPEN_PLAN_STATUSES = (CarePlanStatus.DRAFT, CarePlanStatus.ACTIVE, CarePlanStatus.ON_HOLD)

# Which roles, on an open plan of the patient, allow each patient-level action. Starting a
# plan has its own rule (``may_start_plan_for``).
PATIENT_ACTION_ROLES: dict[PatientAction, frozenset[str]] = {
    PatientAction.CHANGE_PATIENT_DETAILS: frozenset({TeamRole.LEAD}),
    PatientAction.INVITE_PATIENT: frozenset({TeamRole.LEAD}),
    PatientAction.SWITCH_OFF_PORTAL_ACCESS: frozenset({TeamRole.LEAD}),
}

_REFUSALS: dict[str, str] = {
    PatientAction.START_PLAN: (
        "No patient whose care you lead has this record number. Register a new patient, "
        "or ask the patient's lead physician to start the plan or hand it to you."
    ),
    PatientAction.CHANGE_PATIENT_DETAILS: (
        "Only the lead physician of one of this patient's open care plans can change their details."
    ),
    PatientAction.INVITE_PATIENT: (
        "Only the lead physician of one of this patient's open care plans can invite the "
        "patient to the portal."
    ),
    PatientAction.SWITCH_OFF_PORTAL_ACCESS: (
        "Only the lead physician of one of this patient's open care plans can switch off "
        "the patient's portal access."
    ),
    ClinicAction.OPEN_PROVIDER_PAGES: "These pages are for the clinic's providers.",
    ClinicAction.REGISTER_PATIENTS: (
        "Only pain-management physicians can register patients and start care plans."
    ),
    ClinicAction.BREAK_THE_GLASS: (
        "Emergency access is for pain-management physicians, to an open care plan whose "
        "team they are not on."
    ),
    EmergencyAction.READ_ONLY: (
        "Emergency access lets you read this plan and its history, and nothing more."
    ),
    EmergencyAction.END: (
        "Only the plan's lead physician or the physician who opened it can end an emergency access."
    ),
    EmergencyAction.REVIEW: (
        "An emergency access is reviewed by the plan's lead physician, the physician who "
        "opened it and the clinic's privacy officers."
    ),
}


def refusal(action: str) -> str:
    """The one sentence a user refused ``action`` reads (if they may see the plan)."""
    if action in PLAN_RULES:
        return PLAN_RULES[PlanAction(action)].refusal
    return _REFUSALS[action]


def roles_allowed(action: PlanAction) -> frozenset[str]:
    """The team roles that may take a plan action (on some section, for section edits)."""
    if action is PlanAction.EDIT_SECTION:
        return frozenset({TeamRole.LEAD, *ROLE_SECTION_DISCIPLINE})
    grant = PLAN_RULES[action].grant
    return frozenset(role for role, held in ROLE_GRANTS.items() if grant in held)


# --- Plan level -----------------------------------------------------------------------


def needs_role(action: str, codenames: Iterable[str]) -> bool:
    """Whether deciding ``action`` from these grants also needs the user's role: only a
    section edit by someone who edits their own discipline's section."""
    codenames = frozenset(codenames)
    return (
        action == PlanAction.EDIT_SECTION
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
        return PLAN_RULES[action].grant in self.codenames


def active_emergency_access(user: Actor, plan: CarePlan | int) -> EmergencyAccess | None:
    """The user's emergency grant on ``plan`` in force now, if any (one query)."""
    if not is_usable(user):
        return None
    return EmergencyAccess.objects.active().filter(user=user, plan=plan).first()


def _with_emergency(codenames: frozenset[str], grant: EmergencyAccess | None) -> frozenset[str]:
    return codenames | {EMERGENCY_VIEW} if grant is not None else codenames


def rights_on(user: Actor, plan: CarePlan, *, action: str = "", lock: bool = False) -> Rights:
    """The user's rights on ``plan``. The role is read when ``lock`` is set (in the same
    query that locks their membership row until the transaction ends) or when ``action``
    needs it; two queries otherwise, and one more for someone who may not view the plan
    (is there an emergency access?)."""
    role = grants.active_role(user, plan, lock=True) if lock else None
    codenames = grants.perms_on(user, plan)
    if not lock and needs_role(action, codenames):
        role = grants.active_role(user, plan)
    emergency = None
    if grants.VIEW not in codenames and plan.pk is not None:
        emergency = active_emergency_access(user, plan)
    return Rights(_with_emergency(codenames, emergency), role, emergency)


def may(
    user: Actor, action: PlanAction, plan: CarePlan, *, section: PlanSection | None = None
) -> bool:
    """A single check of a plan action (two or three queries)."""
    if section is not None and section.plan_id != plan.pk:
        return False
    return rights_on(user, plan, action=action).allows(action, section)


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
        if section is not None and section.plan_id != plan.pk:
            return False
        return self.on(plan).allows(action, section)


def plans_where(user: Actor, action: PlanAction = PlanAction.VIEW) -> QuerySet[CarePlan]:
    """Plans on which the user may take ``action`` (one query; any section for edits).
    For the emergency actions (viewing), the plans of the user's active emergency grants
    too."""
    plans = grants.plans_for_user(user, PLAN_RULES[action].grant)
    if action not in EMERGENCY_ACTIONS or not is_usable(user):
        return plans
    emergency = EmergencyAccess.objects.active().filter(user=user).values("plan_id")
    return CarePlan.objects.filter(Q(pk__in=plans.values("pk")) | Q(pk__in=emergency))


# --- Patient level --------------------------------------------------------------------


def _memberships(user: Actor, patient: Patient | int) -> QuerySet[CareTeamMembership]:
    return CareTeamMembership.objects.active().filter(user=user, plan__patient=patient)


def roles_on_patient(user: Actor, patient: Patient | int, *, lock: bool = False) -> set[str]:
    """The user's roles on the patient's open plans (one query). With ``lock``, inside a
    transaction, their membership rows stay locked until it ends, so a removal from the
    team cannot slip between this check and the write."""
    if not is_usable(user):
        return set()
    rows = _memberships(user, patient).filter(plan__status__in=OPEN_PLAN_STATUSES)
    if lock:
        rows = rows.select_for_update(of=("self",))
    return set(rows.values_list("role", flat=True))


def cares_for(user: Actor, patient: Patient | int) -> bool:
    """Whether the user is on the team of any of the patient's plans now."""
    return is_usable(user) and _memberships(user, patient).exists()


def may_start_plan_for(user: Actor, patient: Patient, *, lock: bool = False) -> bool:
    """Whether the user may attach a new plan to this existing patient: they lead one of
    the patient's open plans, or registered the patient and no plan exists yet. A plain
    place on a team is not enough: a new plan makes its starter the lead, who speaks for
    the patient's shared record and login. ``lock`` as for ``roles_on_patient``."""
    if not may_register_patients(user):
        return False
    if TeamRole.LEAD in roles_on_patient(user, patient, lock=lock):
        return True
    return patient.registered_by_id == user.pk and not patient.care_plans.exists()


def may_act_on_patient(
    user: Actor, action: PatientAction, patient: Patient | int, *, lock: bool = False
) -> bool:
    """Whether the user may take a patient-level ``action`` (not ``START_PLAN``); ``lock``
    as for ``roles_on_patient``."""
    return bool(roles_on_patient(user, patient, lock=lock) & PATIENT_ACTION_ROLES[action])


def patient_actions_allowed(user: Actor, patient: Patient | int) -> frozenset[PatientAction]:
    """Every patient-level action (but ``START_PLAN``) the user may take now, in one query:
    for pages that show several of them."""
    roles = roles_on_patient(user, patient)
    return frozenset(action for action, allowed in PATIENT_ACTION_ROLES.items() if roles & allowed)


# --- Clinic level ---------------------------------------------------------------------


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


__all__ = [
    "OPEN_PLAN_STATUSES",
    "PATIENT_ACTION_ROLES",
    "PLAN_CREATOR_DISCIPLINE",
    "PLAN_RULES",
    "EMERGENCY_ACTIONS",
    "EMERGENCY_VIEW",
    "REGISTER_PATIENTS",
    "ROLE_GRANTS",
    "ROLE_REQUIRED_DISCIPLINE",
    "ROLE_SECTION_DISCIPLINE",
    "Actor",
    "ClinicAction",
    "EmergencyAction",
    "PatientAction",
    "PlanAction",
    "PlanRights",
    "Rights",
    "Rule",
    "active_emergency_access",
    "cares_for",
    "is_usable",
    "may",
    "may_act_on_patient",
    "may_break_the_glass",
    "may_end_emergency_access",
    "may_open_emergency_access",
    "may_open_provider_pages",
    "may_register_patients",
    "may_review_emergency_access",
    "may_start_plan_for",
    "patient_actions_allowed",
    "needs_role",
    "plans_where",
    "refusal",
    "rights_on",
    "roles_allowed",
    "roles_on_patient",
]
