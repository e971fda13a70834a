"""Who may act on a patient, as opposed to one of their plans.

A patient can have several care plans, each with its own team. Some things belong to the
patient, not to any one plan: their shared details (name, date of birth, record number,
email), their portal login, and the start of a new plan. Plan-level rights come from the
role table in ``careteam.permissions``; the rules here decide the patient-level actions,
from the roles the user holds on the patient's plans:

- ``START_PLAN``: a physician who may start plans (``can_create_plans``) and already leads
  one of the patient's open plans, or who registered the patient and nobody has started a
  plan for them yet. Other team members ask that lead; anyone else gets the same answer as
  for a record number that does not exist.
- ``CHANGE_PATIENT_DETAILS`` and ``MANAGE_PORTAL_ACCESS``: the lead of one of the patient's
  open plans (draft, active or on hold). The change is audited on every plan of the
  patient, so the other plans' teams see it in their history.

Use:

- ``may_start_plan_for(user, patient)`` before attaching a new plan to a patient;
- ``may_act_on_patient(user, action, patient)`` for a single check (links and buttons);
- ``may_act_on_patient(user, action, patient, lock=True)`` inside a write's transaction,
  to re-read the rule with the user's membership rows locked.

Services turn a refusal into ``CareAccessDenied`` with the action's sentence from
``REFUSALS`` (``careteam.services._common.require_patient_action`` and
``patient_action_guarded``).
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CarePlanStatus, CareTeamMembership, Patient, TeamRole
from .permissions import Actor, can_create_plans, is_usable

START_PLAN = "start_plan"
CHANGE_PATIENT_DETAILS = "change_patient_details"
MANAGE_PORTAL_ACCESS = "manage_portal_access"

# Plans whose lead speaks for the patient's shared record and login.
OPEN_PLAN_STATUSES = (CarePlanStatus.DRAFT, CarePlanStatus.ACTIVE, CarePlanStatus.ON_HOLD)

# Which roles, on an open plan of the patient, allow each patient-level action.
PATIENT_ACTION_ROLES: dict[str, frozenset[str]] = {
    CHANGE_PATIENT_DETAILS: frozenset({TeamRole.LEAD}),
    MANAGE_PORTAL_ACCESS: frozenset({TeamRole.LEAD}),
}

# The one sentence a refused user reads for each action.
REFUSALS: dict[str, str] = {
    START_PLAN: (
        "No patient whose care you lead has this record number. Register a new patient, "
        "or ask the patient's lead physician to start the plan or hand it to you."
    ),
    CHANGE_PATIENT_DETAILS: (
        "Only the lead physician of one of this patient's open care plans can change their details."
    ),
    MANAGE_PORTAL_ACCESS: (
        "Only the lead physician of one of this patient's open care plans can invite the "
        "patient or switch off their portal access."
    ),
}


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


def may_start_plan_for(user: Actor, patient: Patient) -> bool:
    """Whether the user may attach a new plan to this existing patient: they lead one of
    the patient's open plans, or registered the patient and no plan exists yet. A plain
    place on a team is not enough: a new plan makes its starter the lead, who speaks for
    the patient's shared record and login."""
    if not can_create_plans(user):
        return False
    if TeamRole.LEAD in roles_on_patient(user, patient):
        return True
    return patient.registered_by_id == user.pk and not patient.care_plans.exists()


def may_act_on_patient(
    user: Actor, action: str, patient: Patient | int, *, lock: bool = False
) -> bool:
    """Whether the user may take a patient-level ``action`` (not ``START_PLAN``); ``lock``
    as for ``roles_on_patient``."""
    return bool(roles_on_patient(user, patient, lock=lock) & PATIENT_ACTION_ROLES[action])


__all__ = [
    "CHANGE_PATIENT_DETAILS",
    "MANAGE_PORTAL_ACCESS",
    "OPEN_PLAN_STATUSES",
    "PATIENT_ACTION_ROLES",
    "REFUSALS",
    "START_PLAN",
    "cares_for",
    "may_act_on_patient",
    "may_start_plan_for",
    "roles_on_patient",
]
