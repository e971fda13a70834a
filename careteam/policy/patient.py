"""Patient level: things that belong to the patient, not to any one plan (their shared
details, their portal login, the start of another plan), decided from the roles the user
holds on the patient's open plans."""

from __future__ import annotations

from django.db.models import QuerySet

from ..grants import Actor, is_usable
from ..models import CareTeamMembership, Patient, TeamRole
from .actions import PatientAction
from .clinic import may_register_patients
from .plan import OPEN_PLAN_STATUSES

# Which roles, on an open plan of the patient, allow each patient-level action. Starting a
# plan has its own rule (``may_start_plan_for``).
PATIENT_ACTION_ROLES: dict[PatientAction, frozenset[str]] = {
    PatientAction.CHANGE_PATIENT_DETAILS: frozenset({TeamRole.LEAD}),
    PatientAction.INVITE_PATIENT: frozenset({TeamRole.LEAD}),
    PatientAction.SWITCH_OFF_PORTAL_ACCESS: frozenset({TeamRole.LEAD}),
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
