"""Write a read Bundle (``PlanSpec``) as a new draft plan, through the careteam services, as
the importing user, in one transaction.

    require_plan_starter(actor)          # 403 for anyone who may not start plans, audited
    imported = write_plan(actor, spec)   # the new plan, its goals, activities, precautions

The patient must already be ours: found by record number through
``patient_for_new_plan``, which asks the policy whether the importer may start a plan for
them and answers an unknown number and someone else's patient alike (404, audited). The
plan is created as a draft (``create_care_plan``'s default) whatever the Bundle's status;
every goal, activity and precaution is created by its service, which asks the policy again
and audits it as created by the importer. Any refusal or error rolls everything back; a
refusal recorded inside the rolled-back transaction is recorded again after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Activity, CarePlan, Goal, Patient, Precaution
from careteam.policy import REGISTER_PATIENTS, PatientAction, may_register_patients, refusal
from careteam.services import (
    CareAccessDenied,
    add_precaution,
    create_activity,
    create_care_plan,
    create_goal,
    deny,
    patient_for_new_plan,
)

from .issues import BUSINESS_RULE, BundleRefused, Issue
from .spec import PlanSpec

WHAT = "fhir import"


@dataclass(frozen=True)
class ImportedPlan:
    plan: CarePlan
    patient: Patient
    goals: list[Goal]
    activities: list[Activity]
    precautions: list[Precaution]

    @property
    def summary(self) -> str:
        counts = ", ".join(
            f"{len(items)} {one if len(items) == 1 else many}"
            for items, one, many in (
                (self.goals, "goal", "goals"),
                (self.activities, "activity", "activities"),
                (self.precautions, "precaution", "precautions"),
            )
        )
        return (
            f"Draft care plan {self.plan.pk} “{self.plan.title}” for patient "
            f"{self.patient.record_number}: {counts}."
        )


def require_plan_starter(actor: User) -> None:
    """Refuse (403, recorded) anyone the policy does not let start care plans at all."""
    if not may_register_patients(actor):
        raise deny(actor, REGISTER_PATIENTS, hide_existence=False, reason=WHAT)


def _patient(actor: User, spec: PlanSpec) -> Patient:
    patient = patient_for_new_plan(actor, spec.record_number)
    if patient is None:  # refused and recorded by the service
        raise CareAccessDenied(
            refusal(PatientAction.START_PLAN), permission=str(PatientAction.START_PLAN)
        )
    if spec.birth_date is not None and spec.birth_date != patient.date_of_birth:
        path = f"Bundle.entry[{spec.patient_entry}].resource.birthDate"
        raise BundleRefused(
            [Issue(BUSINESS_RULE, path, "is not the birth date of the patient with this number.")]
        )
    return patient


def _write(actor: User, patient: Patient, spec: PlanSpec) -> ImportedPlan:
    plan = create_care_plan(actor, patient, title=spec.title, sections=spec.sections, **spec.fields)
    sections = {section.discipline: section for section in plan.sections.all()}
    goals = [
        create_goal(sections[goal.discipline], actor, **goal.fields, sort_order=index)
        for index, goal in enumerate(spec.goals)
    ]
    activities = [
        create_activity(sections[discipline], actor, **fields, sort_order=index)
        for index, (discipline, fields) in enumerate(spec.activity_fields())
    ]
    precautions = [
        add_precaution(plan, actor, description=text, sort_order=index)
        for index, text in enumerate(spec.precautions)
    ]
    return ImportedPlan(plan, patient, goals, activities, precautions)


def write_plan(actor: User, spec: PlanSpec) -> ImportedPlan:
    patient = _patient(actor, spec)
    try:
        with transaction.atomic():
            return _write(actor, patient, spec)
    except CareAccessDenied as refused:
        record_event(
            actor,
            AuditAction.DENIED,
            patient,
            patient=patient,
            detail={
                "permission": refused.permission,
                "reason": f"{WHAT}: refused part way, nothing was written",
            },
        )
        raise
