"""Building blocks shared by the care-team services: gates that ask ``careteam.policy``
and leave a 'denied' audit record, and versioned create/update/delete that leave history.

Every write goes through one path: the policy asked before validating (``require``),
asked again inside the transaction with the actor's membership row locked
(``change_guarded`` / ``patient_action_guarded``), the version checked
(``UPDATE ... WHERE version = n``), and the change audited in the same transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditAction
from audit.services import EventSpec, record_event, record_events

from ..models import CarePlan, Patient, PlanSection
from ..models.tracking import Versioned
from ..policy import (
    Actor,
    PatientAction,
    PlanAction,
    Rights,
    cares_for,
    may_act_on_patient,
    may_start_plan_for,
    refusal,
    rights_on,
)
from .errors import CareAccessDenied, StaleVersionError

M = TypeVar("M", bound=models.Model)
V = TypeVar("V", bound=Versioned)


def deny(
    actor: Actor,
    action: str,
    *,
    plan: CarePlan | int | None = None,
    obj: models.Model | None = None,
    patient: Patient | int | None = None,
    section: PlanSection | None = None,
    hide_existence: bool = True,
    reason: str = "",
) -> CareAccessDenied:
    """Record a refusal of ``action`` (a ``careteam.policy`` action, audited by its name)
    and return the exception to raise. A user who may see the plan reads the action's
    sentence from the policy; anyone else a plain "no access".

    Call it outside any transaction that will roll back, or the record goes with it.
    """
    detail = {"permission": str(action)}
    if section is not None:
        detail["section"] = section.discipline
    if reason:
        detail["reason"] = reason
    target = obj if obj is not None else (plan if isinstance(plan, models.Model) else None)
    record_event(actor, AuditAction.DENIED, target, plan=plan, patient=patient, detail=detail)
    text = refusal(PlanAction.VIEW if hide_existence else action)
    return CareAccessDenied(text, permission=str(action), hide_existence=hide_existence)


def require(
    actor: Actor,
    action: PlanAction,
    plan: CarePlan,
    *,
    obj: models.Model | None = None,
    section: PlanSection | None = None,
    known_perms: Iterable[str] | None = None,
    with_role: bool = False,
) -> Rights:
    """The actor's rights on ``plan`` if the policy allows ``action`` (on ``section``, for
    section edits); else deny, recorded. ``with_role``: read their role on the team too.

    ``known_perms``: the actor's grants on this plan as already read in this request (a
    view's ``PlanRights``), sparing the two queries of reading them again. Reads only: a
    change re-checks under a lock (``change_guarded``).
    """
    if known_perms is None:
        rights = rights_on(actor, plan, action=action, with_role=with_role)
    else:
        rights = Rights(frozenset(known_perms))
    if not rights.allows_on(plan, action, section):
        raise deny(
            actor,
            action,
            plan=plan,
            obj=obj,
            section=section,
            hide_existence=not rights.can_view,
        )
    return rights


class _Refused(Exception):
    def __init__(self, can_view: bool):
        super().__init__()
        self.can_view = can_view


@contextmanager
def change_guarded(
    actor: Actor,
    action: PlanAction,
    plan: CarePlan,
    *,
    obj: models.Model | None = None,
    section: PlanSection | None = None,
) -> Iterator[Rights]:
    """The transaction of a change, entered only while the policy still allows ``action``,
    with the actor's rights read after locking their membership row
    (``rights_on(..., lock=True)``). A removal committed meanwhile is seen (the lock waits
    for it); one that starts later waits until this transaction ends.

    Services also ``require`` before validating, so outsiders learn nothing from error
    messages; this second check closes the gap between that check and the write. A
    refusal is recorded after the transaction has rolled back, so the record stays.
    """
    try:
        with transaction.atomic():
            rights = rights_on(actor, plan, lock=True)
            if not rights.allows_on(plan, action, section):
                raise _Refused(rights.can_view)
            yield rights
    except _Refused as refused:
        raise deny(
            actor,
            action,
            plan=plan,
            obj=obj,
            section=section,
            hide_existence=not refused.can_view,
        ) from None


def _patient_rule(actor: Actor, action: PatientAction, patient: Patient, *, lock: bool) -> bool:
    if action is PatientAction.START_PLAN:
        return may_start_plan_for(actor, patient, lock=lock)
    return may_act_on_patient(actor, action, patient, lock=lock)


def refuse_patient_action(
    actor: Actor,
    action: PatientAction,
    patient: Patient | None,
    *,
    plan: CarePlan | None = None,
    reason: str = "",
) -> CareAccessDenied:
    """Record a refused patient-level action and return the exception: 404 for someone on
    none of the patient's teams, else 403 with the action's sentence. A refused start of a
    plan is always a 404 here: the plan form shows the sentence itself, the same for an
    unknown record number and for someone else's patient."""
    hide = action is PatientAction.START_PLAN or patient is None or not cares_for(actor, patient)
    return deny(
        actor,
        action,
        plan=plan,
        obj=patient,
        patient=patient,
        hide_existence=hide,
        reason=reason,
    )


def require_patient_action(
    actor: Actor, action: PatientAction, patient: Patient, *, plan: CarePlan | None = None
) -> None:
    """Refuse (recorded) unless the policy allows the patient-level ``action``."""
    if not _patient_rule(actor, action, patient, lock=False):
        raise refuse_patient_action(actor, action, patient, plan=plan)


@contextmanager
def patient_action_guarded(
    actor: Actor, action: PatientAction, patient: Patient, *, plan: CarePlan | None = None
) -> Iterator[None]:
    """The transaction of a patient-level change, entered only while the policy still
    allows ``action``: the rule is read again with the actor's membership rows on the
    patient's plans locked (as ``change_guarded`` does for a plan) and, for the start of a
    plan, the patient row too, so two starts cannot both see "no plan yet". A refusal is
    recorded after the rollback, so the record stays."""
    try:
        with transaction.atomic():
            if action is PatientAction.START_PLAN:
                Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
            if not _patient_rule(actor, action, patient, lock=True):
                raise _Refused(can_view=False)
            yield
    except _Refused:
        raise refuse_patient_action(actor, action, patient, plan=plan) from None


def touch_plan(plan: CarePlan, when=None) -> None:
    """Mark the plan as changed now (for "last change" on listings); not a version bump."""
    when = when or timezone.now()
    CarePlan.objects.filter(pk=plan.pk).update(last_activity_at=when)
    plan.last_activity_at = when


def audit_value(value: Any) -> Any:
    """A field value as history shows it: related objects by name."""
    if isinstance(value, models.Model):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: audit_value(getattr(instance, name)) for name in fields}


def validate(instance: models.Model, fields: Iterable[str]) -> None:
    """Field and model validation for the given fields only (no uniqueness queries)."""
    fields = set(fields)
    exclude = [f.name for f in instance._meta.concrete_fields if f.name not in fields]
    instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def create_audited(
    instance: M,
    actor: Actor,
    plan: CarePlan,
    fields: Iterable[str],
    *,
    action: PlanAction,
    section: PlanSection | None = None,
    record_values: bool = True,
    then: Callable[[], None] | None = None,
) -> M:
    """Validate, save and record 'created' (with the initial values for history), if the
    policy still allows ``action`` (see ``change_guarded``). ``then``: what else to do in
    the same transaction once saved (e.g. send a signal)."""
    fields = list(fields)
    validate(instance, fields)
    now = timezone.now()
    with change_guarded(actor, action, plan, section=section):
        instance.save()
        detail = {"values": snapshot(instance, fields)} if record_values else None
        record_event(actor, AuditAction.CREATED, instance, plan=plan, detail=detail)
        touch_plan(plan, now)
        if then is not None:
            then()
    return instance


def _stale(
    model: type[V], pk: Any, expected_version: int, fields: Iterable[str]
) -> StaleVersionError:
    rows = model._default_manager.filter(pk=pk)
    if any(field.name == "updated_by" for field in model._meta.concrete_fields):
        rows = rows.select_related("updated_by")
    current = rows.first()
    values = snapshot(current, fields) if current is not None else None
    return StaleVersionError(
        model, expected_version=expected_version, current=current, current_values=values
    )


def update_versioned(
    instance: V,
    actor: Actor,
    plan: CarePlan,
    expected_version: int,
    changes: dict[str, Any],
    *,
    editable: Iterable[str],
    action: PlanAction | None = None,
    section: PlanSection | None = None,
    guard: AbstractContextManager[Any] | None = None,
    also_record_on: Iterable[CarePlan] = (),
    then: Callable[[], None] | None = None,
) -> dict[str, list[Any]]:
    """Apply ``changes`` only if the row is still at ``expected_version`` and the policy
    still allows ``action`` (see ``change_guarded``); for a patient-level action, ``guard``
    is the ``patient_action_guarded`` that stands in for ``change_guarded``. The change is
    recorded against ``plan`` and each plan in ``also_record_on``; ``then`` runs in the same
    transaction once it is (only when something changed).

    One ``UPDATE ... WHERE id = %s AND version = %s``: zero rows means someone else saved
    first, and ``StaleVersionError`` reports what is there now. Returns ``{field: [old,
    new]}`` as recorded in the audit trail (empty when nothing differed).
    """
    editable = tuple(editable)
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    model = type(instance)
    if instance.version != expected_version:
        raise _stale(model, instance.pk, expected_version, editable)
    diff = {
        name: (getattr(instance, name), value)
        for name, value in changes.items()
        if getattr(instance, name) != value
    }
    if not diff:
        return {}
    for name, (_old, new) in diff.items():
        setattr(instance, name, new)
    try:
        validate(instance, diff)
    except ValidationError:
        for name, (old, _new) in diff.items():
            setattr(instance, name, old)
        raise
    now = timezone.now()
    stamps: dict[str, Any] = {"updated_at": now}
    if any(field.name == "updated_by" for field in model._meta.concrete_fields):
        stamps["updated_by"] = actor
    gate: AbstractContextManager[Any]
    if guard is not None:
        gate = guard
    elif action is not None:
        gate = change_guarded(actor, action, plan, obj=instance, section=section)
    else:
        raise ValueError("Pass the plan action to re-check, or a patient-level guard.")
    with gate:
        updated = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
            **{name: new for name, (_old, new) in diff.items()},
            **stamps,
            version=F("version") + 1,
        )
        if not updated:
            for name, (old, _new) in diff.items():
                setattr(instance, name, old)
            raise _stale(model, instance.pk, expected_version, editable)
        instance.version = expected_version + 1
        for name, value in stamps.items():
            setattr(instance, name, value)
        changes_detail = {
            name: [audit_value(old), audit_value(new)] for name, (old, new) in diff.items()
        }
        record_events(
            actor,
            (
                EventSpec(
                    AuditAction.CHANGED, instance, plan=each, detail={"changes": changes_detail}
                )
                for each in (plan, *also_record_on)
            ),
        )
        touch_plan(plan, now)
        if then is not None:
            then()
    return changes_detail


def delete_versioned(
    instance: V,
    actor: Actor,
    plan: CarePlan,
    expected_version: int,
    *,
    fields: Iterable[str],
    action: PlanAction,
    section: PlanSection | None = None,
    before: Callable[[], None] | None = None,
) -> None:
    """Delete only if still at ``expected_version`` and the policy still allows
    ``action``; history keeps the last values. ``before``: what else to do in the same
    transaction just before the row goes (what hangs on it is still there)."""
    model = type(instance)
    fields = tuple(fields)
    values = snapshot(instance, fields)
    with change_guarded(actor, action, plan, obj=instance, section=section):
        if before is not None:
            before()  # undone with the rest if the row turns out stale
        deleted, _ = model._default_manager.filter(
            pk=instance.pk, version=expected_version
        ).delete()
        if not deleted:
            raise _stale(model, instance.pk, expected_version, fields)
        record_event(actor, AuditAction.DELETED, instance, plan=plan, detail={"values": values})
        touch_plan(plan)
