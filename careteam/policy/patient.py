"""Patient level: things that belong to the patient, not to any one plan (their shared
details, their portal login, the start of another plan), decided from the roles the user
holds on the patient's open plans."""

from __future__ import annotations

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value

from ..grants import Actor, is_usable
from ..models import CarePlan, CareTeamMembership, Patient, TeamRole
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


# The roles that decide them, which ``with_patient_roles`` reads with a plan, and the
# annotations it reads them into (whether the user holds each; for which user).
DECIDING_ROLES: tuple[str, ...] = tuple(sorted(frozenset().union(*PATIENT_ACTION_ROLES.values())))
PATIENT_ROLES_READ_FOR = "patient_roles_read_for"


def _held(role: str) -> str:
    return f"patient_role_{role}_held"


def _memberships(
    user: Actor | int, patient: Patient | int | OuterRef
) -> QuerySet[CareTeamMembership]:
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


def is_patient_of(user: Actor, plan: CarePlan) -> bool:
    """Whether ``user`` is the plan's own patient, signed in with their active login: what
    lets a patient read and write their own plan's messages (``messaging``), every thread on
    it included (each is between the patient and the team). No query when the plan was read
    with its patient."""
    return is_usable(user) and plan.patient.user_id == user.pk


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
    return _actions_for(roles_on_patient(user, patient))


def _actions_for(roles: set[str]) -> frozenset[PatientAction]:
    return frozenset(action for action, allowed in PATIENT_ACTION_ROLES.items() if roles & allowed)


def with_patient_roles(plans: QuerySet[CarePlan], user: Actor) -> QuerySet[CarePlan]:
    """``plans`` each read with whether ``user`` holds each of the ``DECIDING_ROLES`` on an
    open plan of its patient, for ``patient_actions_for_plan`` to answer from."""
    if not is_usable(user):
        return plans
    return with_patient_roles_by_id(plans, user.pk)


def with_patient_roles_by_id(plans: QuerySet[CarePlan], user_id: int) -> QuerySet[CarePlan]:
    """``with_patient_roles`` for a signed-in, active account known by its id."""
    held = {
        _held(role): Exists(
            _memberships(user_id, OuterRef("patient_id")).filter(
                role=role, plan__status__in=OPEN_PLAN_STATUSES
            )
        )
        for role in DECIDING_ROLES
    }
    return plans.annotate(
        **held, **{PATIENT_ROLES_READ_FOR: Value(user_id, output_field=IntegerField())}
    )


def patient_actions_for_plan(user: Actor, plan: CarePlan) -> frozenset[PatientAction]:
    """``patient_actions_allowed`` for the plan's patient: from what the plan was read with
    (``with_patient_roles``, for this user), else in one query."""
    if is_usable(user) and getattr(plan, PATIENT_ROLES_READ_FOR, None) == user.pk:
        return _actions_for({role for role in DECIDING_ROLES if getattr(plan, _held(role))})
    return patient_actions_allowed(user, plan.patient_id)
