"""Care plans: creating, reading, editing the plan's own fields and precautions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.services import record_event
from core.compiled_sql import CompiledRows

from ..grants import is_usable, with_team_role_by_id
from ..models import (
    CarePlan,
    CarePlanStatus,
    CareTeamMembership,
    Discipline,
    EmergencyAccess,
    Patient,
    PlanSection,
    Precaution,
    TeamRole,
)
from ..policy import (
    REGISTER_PATIENTS,
    Actor,
    PatientAction,
    PlanAction,
    Rights,
    active_emergency_access,
    may_register_patients,
    may_start_plan_for,
    with_patient_roles_by_id,
)
from ._common import (
    create_audited,
    delete_versioned,
    deny,
    patient_action_guarded,
    refuse_patient_action,
    require,
    require_patient_action,
    touch_plan,
    update_versioned,
    validate,
)
from .history import PLAN_PAGE
from .team import grant_role

PLAN_FIELDS = (
    "title",
    "status",
    "period_start",
    "period_end",
    "conditions",
    "patient_summary",
    "red_flag_guidance",
    "flare_day_one",
    "flare_day_two",
    "flare_day_three",
    "flare_when_to_call",
)
PRECAUTION_FIELDS = ("description", "avoid_tag", "sort_order")
MAX_ID = 2**63
DEFAULT_SECTIONS = (
    Discipline.PAIN_MANAGEMENT,
    Discipline.PHYSICAL_THERAPY,
    Discipline.MENTAL_HEALTH,
)


def get_plan_for_user(user: Actor, plan_id: Any, action: PlanAction = PlanAction.VIEW) -> CarePlan:
    """The plan with its patient, if the policy allows ``user`` ``action`` on it; else
    ``CareAccessDenied`` (404 for a plan they cannot see or that does not exist), recorded
    as 'denied'. ``plan.has_emergency_access`` tells, in the same query, whether anyone
    holds an active emergency access to it (so the page lists them only then)."""
    return get_plan_with_rights(user, plan_id, action)[0]


def get_plan_with_rights(
    user: Actor, plan_id: Any, action: PlanAction = PlanAction.VIEW, *, with_role: bool = False
) -> tuple[CarePlan, Rights]:
    """``get_plan_for_user``, with the user's rights on the plan as the check read them,
    for a page that shows what those rights allow. ``with_role``: their role on the team
    too, and whether they hold the roles that decide patient-level actions
    (``patient_actions_for_plan``), all read with the plan."""
    try:
        plan_pk = int(plan_id)
    except (TypeError, ValueError):
        plan_pk = None
    if plan_pk is not None and not 0 < plan_pk < MAX_ID:
        plan_pk = None  # beyond any id: would overflow the database's bigint
    now = timezone.now()
    if plan_pk is None:
        found = []
    elif with_role and is_usable(user):
        found = _PLAN_WITH_ROLES.rows(plan_pk, user.pk, at=now)
    else:
        found = _PLAN.rows(plan_pk, at=now)
    plan = found[0] if found else None
    if plan is None:
        raise deny(user, action, plan=plan_pk, reason="no such plan")
    return plan, require(user, action, plan, with_role=with_role)


def _plan(plan_id: int, *, at: datetime.datetime) -> QuerySet[CarePlan]:
    """The plan with its patient, and whether anyone holds an emergency access to it."""
    emergency = EmergencyAccess.objects.active(at).filter(plan=OuterRef("pk"))
    return (
        CarePlan.objects.select_related("patient", "updated_by")
        .annotate(has_emergency_access=Exists(emergency))
        .filter(pk=plan_id)
    )


def _plan_with_roles(plan_id: int, user_id: int, *, at: datetime.datetime) -> QuerySet[CarePlan]:
    """``_plan`` with the reader's role on its team and on its patient's other plans."""
    return with_patient_roles_by_id(with_team_role_by_id(_plan(plan_id, at=at), user_id), user_id)


# Every plan page reads its plan through one of these.
_PLAN = CompiledRows("a plan", _plan, at=True)
_PLAN_WITH_ROLES = CompiledRows("a plan with the reader's roles", _plan_with_roles, ids=2, at=True)


def plan_precautions(plan: CarePlan) -> list[Precaution]:
    """The plan's precautions in their order, each with the tag it rules out: for a page
    that already let its reader see the plan."""
    return _PRECAUTIONS.rows(plan.pk)


_PRECAUTIONS = CompiledRows(
    "a plan's precautions",
    lambda plan_id: Precaution.objects.filter(plan_id=plan_id).select_related("avoid_tag"),
)


def record_plan_view(
    plan: CarePlan,
    actor: Actor,
    *,
    what: str = PLAN_PAGE,
    known_perms: Iterable[str] | None = None,
    emergency: EmergencyAccess | None = None,
) -> AuditEvent:
    """Check the actor may view the plan and record that they did (once per page view).

    ``known_perms``: the actor's permissions on the plan already read in this request. A
    view under an emergency access is marked with the grant's id (``detail
    ["emergency_access"]``); ``emergency``: that grant as already read (else one query)."""
    rights = require(actor, PlanAction.VIEW, plan, known_perms=known_perms)
    detail: dict[str, Any] = {"what": what}
    if rights.by_emergency:
        grant = emergency or rights.emergency or active_emergency_access(actor, plan)
        if grant is None:  # expired since the rights were read
            raise deny(actor, PlanAction.VIEW, plan=plan, reason="emergency access ended")
        detail["emergency_access"] = grant.pk
    return record_event(actor, AuditAction.VIEWED, plan, plan=plan, detail=detail)


def patient_for_new_plan(actor: Actor, record_number: str) -> Patient | None:
    """The patient with this record number (any case) if the actor may start a plan for
    them (``careteam.policy.may_start_plan_for``); else None, recorded as 'denied'.

    A record number that exists and one that does not get the same answer, so the form
    cannot be used to find out who is a patient here.
    """
    record_number = (record_number or "").strip()
    patient = Patient.objects.filter(record_number__iexact=record_number).first()
    if patient is not None and may_start_plan_for(actor, patient):
        return patient
    refuse_patient_action(
        actor,
        PatientAction.START_PLAN,
        patient,
        reason="no care relationship" if patient is not None else "no such record number",
    )
    return None


def create_care_plan(
    actor: User,
    patient: Patient,
    *,
    title: str,
    status: str = CarePlanStatus.DRAFT,
    sections: tuple[str, ...] = DEFAULT_SECTIONS,
    **fields: Any,
) -> CarePlan:
    """Start a plan for ``patient``; the actor becomes its lead. Creates one section per
    discipline in ``sections``.

    The actor must hold ``careteam.add_careplan`` and already care for the patient (or
    have registered them, before any plan): ``careteam.policy.may_start_plan_for``,
    checked again inside the transaction with the patient row and the actor's places on
    the patient's teams locked.
    """
    if not may_register_patients(actor):
        raise deny(actor, REGISTER_PATIENTS, hide_existence=False)
    require_patient_action(actor, PatientAction.START_PLAN, patient)
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not plan fields: {', '.join(sorted(unknown))}")
    plan = CarePlan(
        patient=patient, title=title, status=status, created_by=actor, updated_by=actor, **fields
    )
    validate(plan, PLAN_FIELDS)
    with patient_action_guarded(actor, PatientAction.START_PLAN, patient):
        _save_new_plan(plan, actor, sections)
    return plan


def _save_new_plan(plan: CarePlan, actor: User, sections: tuple[str, ...]) -> None:
    plan.save()
    PlanSection.objects.bulk_create(
        PlanSection(plan=plan, discipline=discipline, sort_order=index)
        for index, discipline in enumerate(sections)
    )
    record_event(
        actor,
        AuditAction.CREATED,
        plan,
        plan=plan,
        detail={
            "values": {name: getattr(plan, name) for name in PLAN_FIELDS},
            "sections": list(sections),
        },
    )
    membership = CareTeamMembership.objects.create(
        plan=plan, user=actor, role=TeamRole.LEAD, added_by=actor
    )
    grant_role(plan, actor, membership)
    touch_plan(plan)


def update_plan(plan: CarePlan, actor: User, expected_version: int, **changes: Any) -> CarePlan:
    """Edit the plan's own fields (summary, status, period, conditions, red flags, title,
    flare plan).

    Lead only. Raises ``StaleVersionError`` if the plan changed since ``expected_version``,
    ``ValidationError`` for bad values.
    """
    require(actor, PlanAction.EDIT_PLAN, plan)
    update_versioned(
        plan,
        actor,
        plan,
        expected_version,
        changes,
        editable=PLAN_FIELDS,
        action=PlanAction.EDIT_PLAN,
    )
    return plan


def add_section(plan: CarePlan, actor: User, discipline: str) -> PlanSection:
    """Add a discipline's section (e.g. nursing) to the plan. Lead only."""
    require(actor, PlanAction.EDIT_PLAN, plan)
    if plan.sections.filter(discipline=discipline).exists():
        raise ValidationError({"discipline": "This plan already has that section."})
    section = PlanSection(plan=plan, discipline=discipline, sort_order=plan.sections.count())
    return create_audited(section, actor, plan, ("discipline",), action=PlanAction.EDIT_PLAN)


def add_precaution(
    plan: CarePlan, actor: User, *, description: str, avoid_tag=None, sort_order: int = 0
) -> Precaution:
    """Add a precaution ("no deep or end-range stretching"). Lead only."""
    require(actor, PlanAction.EDIT_PRECAUTIONS, plan)
    precaution = Precaution(
        plan=plan,
        description=description.strip(),
        avoid_tag=avoid_tag,
        sort_order=sort_order,
        created_by=actor,
        updated_by=actor,
    )
    return create_audited(
        precaution, actor, plan, PRECAUTION_FIELDS, action=PlanAction.EDIT_PRECAUTIONS
    )


def update_precaution(
    precaution: Precaution, actor: User, expected_version: int, **changes: Any
) -> Precaution:
    plan = precaution.plan
    require(actor, PlanAction.EDIT_PRECAUTIONS, plan, obj=precaution)
    update_versioned(
        precaution,
        actor,
        plan,
        expected_version,
        changes,
        editable=PRECAUTION_FIELDS,
        action=PlanAction.EDIT_PRECAUTIONS,
    )
    return precaution


def delete_precaution(precaution: Precaution, actor: User, expected_version: int) -> None:
    plan = precaution.plan
    require(actor, PlanAction.EDIT_PRECAUTIONS, plan, obj=precaution)
    delete_versioned(
        precaution,
        actor,
        plan,
        expected_version,
        fields=PRECAUTION_FIELDS,
        action=PlanAction.EDIT_PRECAUTIONS,
    )
