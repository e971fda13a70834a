"""Building blocks shared by the care-team services: permission gates that leave a
'denied' audit record, and versioned create/update/delete that leave history."""

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

from ..models import CarePlan, CareTeamMembership, Patient
from ..permissions import VIEW, Actor, perms_on
from ..policy import REFUSALS, cares_for, may_act_on_patient
from .errors import CareAccessDenied, StaleVersionError

M = TypeVar("M", bound=models.Model)
Allows = Callable[[frozenset[str]], bool]


def deny(
    actor: Actor,
    permission: str,
    *,
    plan: CarePlan | int | None = None,
    obj: models.Model | None = None,
    patient: Patient | int | None = None,
    hide_existence: bool = True,
    reason: str = "",
    message: str = "",
) -> CareAccessDenied:
    """Record a refusal and return the exception to raise. ``message`` is the sentence a
    member who may see the plan reads; someone who may not gets a plain "no access".

    Call it outside any transaction that will roll back, or the record goes with it.
    """
    detail = {"permission": permission}
    if reason:
        detail["reason"] = reason
    target = obj if obj is not None else (plan if isinstance(plan, models.Model) else None)
    record_event(actor, AuditAction.DENIED, target, plan=plan, patient=patient, detail=detail)
    if hide_existence:
        text = "You do not have access to this."
    else:
        text = message or "You may not do this."
    return CareAccessDenied(text, permission=permission, hide_existence=hide_existence)


def refuse_patient_action(
    actor: Actor, action: str, patient: Patient, *, plan: CarePlan | None = None
) -> CareAccessDenied:
    """Record a refused patient-level action (``careteam.policy``) and return the exception:
    404 for someone on none of the patient's teams, else 403 with the action's sentence."""
    return deny(
        actor,
        action,
        plan=plan,
        obj=patient,
        patient=patient,
        hide_existence=not cares_for(actor, patient),
        message=REFUSALS[action],
    )


def require_patient_action(
    actor: Actor, action: str, patient: Patient, *, plan: CarePlan | None = None
) -> None:
    """Refuse (recorded) unless the actor may take the patient-level ``action``."""
    if not may_act_on_patient(actor, action, patient):
        raise refuse_patient_action(actor, action, patient, plan=plan)


@contextmanager
def patient_action_guarded(
    actor: Actor, action: str, patient: Patient, *, plan: CarePlan | None = None
) -> Iterator[None]:
    """The transaction of a patient-level change, entered only while the actor may still
    take ``action``: the rule re-read with their membership rows on the patient's plans
    locked (as ``change_guarded`` does for a plan). A refusal is recorded after the
    rollback, so the record stays."""
    try:
        with transaction.atomic():
            if not may_act_on_patient(actor, action, patient, lock=True):
                raise _Refused(can_view=False)
            yield
    except _Refused:
        raise refuse_patient_action(actor, action, patient, plan=plan) from None


def require(
    actor: Actor,
    permission: str,
    plan: CarePlan,
    *,
    obj: models.Model | None = None,
    known_perms: Iterable[str] | None = None,
) -> frozenset[str]:
    """The actor's permissions on ``plan`` if they include ``permission``; else deny.

    ``known_perms``: the actor's permissions on this plan as already read in this request
    (a view's ``PlanPermissions``), sparing the two queries of reading them again. Reads
    only: a change re-checks under a lock (``change_guarded``).
    """
    perms = perms_on(actor, plan) if known_perms is None else frozenset(known_perms)
    if permission not in perms:
        raise deny(actor, permission, plan=plan, obj=obj, hide_existence=VIEW not in perms)
    return perms


class _Refused(Exception):
    def __init__(self, can_view: bool):
        super().__init__()
        self.can_view = can_view


def locked_perms(actor: Actor, plan: CarePlan) -> frozenset[str]:
    """The actor's permissions on ``plan``, read after locking their active membership row
    for the rest of the transaction. A removal committed meanwhile is seen (the lock waits
    for it); a removal that starts later waits until this transaction ends."""
    if getattr(actor, "pk", None) is not None:
        list(
            CareTeamMembership.objects.active()
            .select_for_update()
            .filter(plan=plan, user=actor)
            .values_list("pk", flat=True)
        )
    return perms_on(actor, plan)


@contextmanager
def change_guarded(
    actor: Actor,
    permission: str,
    plan: CarePlan,
    *,
    obj: models.Model | None = None,
    allows: Allows | None = None,
) -> Iterator[frozenset[str]]:
    """The transaction of a change, entered only while the actor still holds
    ``permission`` (or passes ``allows``), checked under ``locked_perms``.

    Services also ``require`` before validating, so outsiders learn nothing from error
    messages; this second check closes the gap between that check and the write, where a
    member removed meanwhile could otherwise still change the plan. A refusal is recorded
    after the transaction has rolled back, so the record stays.
    """
    allows = allows or (lambda perms: permission in perms)
    try:
        with transaction.atomic():
            perms = locked_perms(actor, plan)
            if not allows(perms):
                raise _Refused(VIEW in perms)
            yield perms
    except _Refused as refused:
        raise deny(
            actor, permission, plan=plan, obj=obj, hide_existence=not refused.can_view
        ) from None


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
    permission: str,
    allows: Allows | None = None,
    record_values: bool = True,
) -> M:
    """Validate, save and record 'created' (with the initial values for history), if the
    actor still holds ``permission`` (see ``change_guarded``)."""
    fields = list(fields)
    validate(instance, fields)
    now = timezone.now()
    with change_guarded(actor, permission, plan, allows=allows):
        instance.save()
        detail = {"values": snapshot(instance, fields)} if record_values else None
        record_event(actor, AuditAction.CREATED, instance, plan=plan, detail=detail)
        touch_plan(plan, now)
    return instance


def _stale(model: type[M], pk: Any, expected_version: int, fields: Iterable[str]):
    current = model._default_manager.filter(pk=pk)
    if any(field.name == "updated_by" for field in model._meta.concrete_fields):
        current = current.select_related("updated_by")
    current = current.first()
    values = snapshot(current, fields) if current is not None else None
    return StaleVersionError(
        model, expected_version=expected_version, current=current, current_values=values
    )


def update_versioned(
    instance: M,
    actor: Actor,
    plan: CarePlan,
    expected_version: int,
    changes: dict[str, Any],
    *,
    editable: Iterable[str],
    permission: str,
    allows: Allows | None = None,
    guard: AbstractContextManager | None = None,
    also_record_on: Iterable[CarePlan] = (),
) -> dict[str, list[Any]]:
    """Apply ``changes`` only if the row is still at ``expected_version`` and the actor
    still holds ``permission`` (see ``change_guarded``), or passes ``guard``, a context
    manager standing in for ``change_guarded`` (a patient-level rule). The change is
    recorded against ``plan`` and each plan in ``also_record_on``.

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
    if guard is None:
        guard = change_guarded(actor, permission, plan, obj=instance, allows=allows)
    with guard:
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
    return changes_detail


def delete_versioned(
    instance: models.Model,
    actor: Actor,
    plan: CarePlan,
    expected_version: int,
    *,
    fields: Iterable[str],
    permission: str,
    allows: Allows | None = None,
) -> None:
    """Delete only if still at ``expected_version`` and the actor still holds
    ``permission``; history keeps the last values."""
    model = type(instance)
    fields = tuple(fields)
    values = snapshot(instance, fields)
    with change_guarded(actor, permission, plan, obj=instance, allows=allows):
        deleted, _ = model._default_manager.filter(
            pk=instance.pk, version=expected_version
        ).delete()
        if not deleted:
            raise _stale(model, instance.pk, expected_version, fields)
        record_event(actor, AuditAction.DELETED, instance, plan=plan, detail={"values": values})
        touch_plan(plan)
