"""Providers and patients."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from audit.models import AuditAction
from audit.services import record_event

from ..grants import plan_creators_group
from ..models import CarePlan, Discipline, Patient, Provider
from ..models.people import default_time_zone
from ..policy import (
    PLAN_CREATOR_DISCIPLINE,
    REGISTER_PATIENTS,
    PatientAction,
    PlanAction,
    may_register_patients,
)
from ._common import (
    deny,
    patient_action_guarded,
    require,
    require_patient_action,
    update_versioned,
    validate,
)

PATIENT_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "record_number",
    "email",
    "time_zone",
)
RECORD_NUMBER_TAKEN = "Another patient already has this record number."
RECORD_NUMBER_IN_USE = (
    "This record number is already registered. If the patient is in the clinic's care, ask "
    "their lead physician to add you to their care team."
)


def create_provider(user: User, *, discipline: str, credentials: str = "") -> Provider:
    """Give ``user`` a provider profile (or update it), and keep the model-level right to
    create plans in step with the discipline: pain-management physicians join the
    "Pain management physicians" group, which holds ``careteam.add_careplan``.

    An administrative set-up step (seeders, admin tasks), so it takes no acting user.
    """
    if discipline not in Discipline.values:
        raise ValueError(f"Unknown discipline {discipline!r}")
    with transaction.atomic():
        provider, _ = Provider.objects.update_or_create(
            user=user, defaults={"discipline": discipline, "credentials": credentials}
        )
        provider.user = user  # so user.provider_profile is this, not a stale cached copy
        group = plan_creators_group()
        if discipline == PLAN_CREATOR_DISCIPLINE:
            user.groups.add(group)
        else:
            user.groups.remove(group)
    return provider


def find_provider_user(identifier: str) -> User | None:
    """The active user with a provider profile whose username or email is ``identifier``
    (case-insensitive), or None. For "invite a provider by username or email"."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    matches = list(
        get_user_model()
        .objects.filter(
            Q(username__iexact=identifier) | Q(email__iexact=identifier),
            is_active=True,
            provider_profile__isnull=False,
        )
        .select_related("provider_profile")[:2]
    )
    # An email shared by two accounts is ambiguous: invite by username instead.
    return matches[0] if len(matches) == 1 else None


def create_patient(
    actor: User,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    record_number: str,
    email: str = "",
    time_zone: str = "",
) -> Patient:
    """Register a patient. Physicians who may create plans may register patients; until a
    plan is started for the patient, only the one who registered them may start it.

    Raises ``ValidationError`` for bad values, including a record number already in use.
    """
    if not may_register_patients(actor):
        raise deny(actor, REGISTER_PATIENTS, hide_existence=False)
    patient = Patient(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        date_of_birth=date_of_birth,
        record_number=record_number.strip(),
        email=email.strip(),
        time_zone=time_zone.strip() or default_time_zone(),
        registered_by=actor,
    )
    validate(patient, PATIENT_FIELDS)
    existing = Patient.objects.filter(record_number__iexact=patient.record_number).first()
    if existing is not None:
        # Registration cannot hide that a number is taken; it leaves a trace of who asked.
        deny(
            actor,
            REGISTER_PATIENTS,
            obj=existing,
            patient=existing,
            reason="record number in use",
        )
        raise ValidationError({"record_number": RECORD_NUMBER_IN_USE})
    with transaction.atomic():
        patient.save()
        record_event(
            actor,
            AuditAction.CREATED,
            patient,
            patient=patient,
            detail={"values": {name: getattr(patient, name) for name in PATIENT_FIELDS}},
        )
    return patient


def update_patient(
    patient: Patient, actor: User, expected_version: int, *, plan: CarePlan, **changes: Any
) -> Patient:
    """Correct the patient's shared details (``PATIENT_FIELDS``), seen from one of their
    plans. The record belongs to the patient, not the plan, so the rule is the
    patient-level ``CHANGE_PATIENT_DETAILS`` (the lead of one of their open plans), and the
    change is recorded on every plan of the patient.

    Refused with ``StaleVersionError`` if the patient changed since ``expected_version``,
    ``ValidationError`` for bad values or a record number in use.
    """
    if plan.patient_id != patient.pk:
        raise ValueError("The plan belongs to another patient.")
    require(actor, PlanAction.VIEW, plan, obj=patient)
    require_patient_action(actor, PatientAction.CHANGE_PATIENT_DETAILS, patient, plan=plan)
    changes = {
        name: value.strip() if isinstance(value, str) else value for name, value in changes.items()
    }
    number = changes.get("record_number")
    if (
        number is not None
        and number != patient.record_number
        and Patient.objects.filter(record_number__iexact=number).exclude(pk=patient.pk).exists()
    ):
        raise ValidationError({"record_number": RECORD_NUMBER_TAKEN})
    try:
        update_versioned(
            patient,
            actor,
            plan,
            expected_version,
            changes,
            editable=PATIENT_FIELDS,
            guard=patient_action_guarded(
                actor, PatientAction.CHANGE_PATIENT_DETAILS, patient, plan=plan
            ),
            also_record_on=patient.care_plans.exclude(pk=plan.pk).order_by("pk"),
        )
    except IntegrityError as error:  # the same number saved by someone else meanwhile
        patient.refresh_from_db()
        raise ValidationError({"record_number": RECORD_NUMBER_TAKEN}) from error
    return patient
