"""Copy a template's live content into a new plan.

Everything is written in one transaction through the services the plan page uses:
``create_care_plan`` (the START_PLAN rule, re-checked with the patient row locked; the
actor becomes the lead), ``create_goal`` / ``create_activity`` (the section rule),
``add_precaution``, the patient portal's ``assign_reading`` (its review and
contraindication checks) and the questionnaire schedules. Each leaves its own audit event;
one more, on the ``TemplateUse`` row, says which template and which revision the plan came
from and what was left to do by hand. If any step fails, nothing of the plan is kept."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, CarePlanStatus, Patient, PlanSection
from careteam.policy import REGISTER_PATIENTS, PatientAction, may_register_patients
from careteam.services import (
    CareAccessDenied,
    add_precaution,
    create_activity,
    create_care_plan,
    create_goal,
    deny,
    require_patient_action,
)
from careteam.services.plans import DEFAULT_SECTIONS
from portal.models import ContraindicationTag

from ..models import PlanTemplate, TemplateUse
from .questionnaires import QuestionnaireOutcome, schedule_template_questionnaires
from .reading import LeftReading, assign_suggested_reading

# The plan's own fields a template fills in.
COPIED_PLAN_FIELDS = (
    "conditions",
    "patient_summary",
    "red_flag_guidance",
    "flare_day_one",
    "flare_day_two",
    "flare_day_three",
    "flare_when_to_call",
)


class TemplateNotUsable(ValidationError):
    """The template is not published (any more): no plan starts from it."""


@dataclass(frozen=True)
class StartedPlan:
    plan: CarePlan
    use: TemplateUse
    reading_assigned: tuple[str, ...]
    reading_left: tuple[LeftReading, ...]
    questionnaires: QuestionnaireOutcome


def usable_template(pk: Any) -> PlanTemplate:
    """The published template with this id, or ``TemplateNotUsable``."""
    template = PlanTemplate.objects.usable().filter(pk=pk).first() if pk else None
    if template is None:
        raise TemplateNotUsable(
            {"template": "This template is not published. Choose one from the list."}
        )
    return template


def relative_date(start: datetime.date, *, days: int | None = None) -> datetime.date | None:
    """``start`` plus ``days`` (None: no date); a date beyond the calendar is refused."""
    if days is None:
        return None
    try:
        return start + datetime.timedelta(days=days)
    except OverflowError:
        raise ValidationError(
            {"period_start": "The template's dates would fall beyond the calendar from this day."}
        ) from None


def _section_disciplines(template: PlanTemplate) -> tuple[str, ...]:
    extra = [block.value["discipline"] for block in template.sections]
    return (*DEFAULT_SECTIONS, *(d for d in extra if d not in DEFAULT_SECTIONS))


def _copy_sections(
    actor: User, plan: CarePlan, template: PlanTemplate, starts_on: datetime.date
) -> dict[str, int]:
    sections = {section.discipline: section for section in PlanSection.objects.filter(plan=plan)}
    counts = {"goals": 0, "activities": 0}
    for block in template.sections:
        section = sections[block.value["discipline"]]
        section.plan = plan  # the services read the plan through the section
        for order, goal in enumerate(block.value["goals"]):
            weeks = goal["due_after_weeks"]
            create_goal(
                section,
                actor,
                description=goal["description"].strip(),
                measure=goal["measure"],
                target=goal["target"],
                due_date=relative_date(starts_on, days=None if weeks is None else weeks * 7),
                visible_to_patient=goal["visible_to_patient"],
                sort_order=order,
            )
            counts["goals"] += 1
        for order, activity in enumerate(block.value["activities"]):
            create_activity(
                section,
                actor,
                kind=activity["kind"],
                title=activity["title"].strip(),
                schedule=activity["schedule"],
                instructions=activity["instructions"],
                do_not_perform=activity["do_not_perform"],
                procedure=activity["procedure"] or "",
                scheduled_on=relative_date(starts_on, days=activity["after_days"]),
                visible_to_patient=activity["visible_to_patient"],
                sort_order=order,
            )
            counts["activities"] += 1
    return counts


def _copy_precautions(actor: User, plan: CarePlan, template: PlanTemplate) -> int:
    for order, block in enumerate(template.precautions):
        tag = block.value["avoid_tag"]
        add_precaution(
            plan,
            actor,
            description=block.value["description"],
            avoid_tag=tag if isinstance(tag, ContraindicationTag) else None,
            sort_order=order,
        )
    return len(template.precautions)


def start_plan_from_template(
    actor: User,
    template: PlanTemplate,
    patient: Patient,
    *,
    title: str = "",
    status: str = CarePlanStatus.ACTIVE,
    period_start: datetime.date | None = None,
) -> StartedPlan:
    """Start a plan for ``patient`` from ``template``'s live revision; the actor leads it.

    Who may: as ``create_care_plan`` (a pain-management physician who leads one of the
    patient's open plans, or registered them and no plan exists yet). Raises
    ``CareAccessDenied`` (recorded), ``TemplateNotUsable`` for an unpublished template and
    ``ValidationError`` for values the plan refuses; nothing is kept then."""
    if not may_register_patients(actor):
        raise deny(actor, REGISTER_PATIENTS, hide_existence=False)
    # Checked (and a refusal recorded) before the transaction; checked again inside it.
    require_patient_action(actor, PatientAction.START_PLAN, patient)
    template = usable_template(template.pk)
    starts_on = period_start or timezone.localdate()
    try:
        with transaction.atomic():
            plan = create_care_plan(
                actor,
                patient,
                title=(title or template.new_plan_title).strip(),
                status=status,
                period_start=period_start,
                sections=_section_disciplines(template),
                **{name: getattr(template, name) for name in COPIED_PLAN_FIELDS},
            )
            counts = _copy_sections(actor, plan, template, starts_on)
            counts["precautions"] = _copy_precautions(actor, plan, template)
            reading = assign_suggested_reading(actor, plan, template)
            questionnaires = schedule_template_questionnaires(actor, plan, template, starts_on)
            use = TemplateUse.objects.create(
                plan=plan,
                template=template,
                template_title=template.title,
                revision_id=template.live_revision_id,
                revision_pk=template.live_revision_id,
                used_by=actor,
                reading_left=[left.as_dict() for left in reading.left],
                questionnaires=list(questionnaires.asked),
                questionnaires_scheduled=questionnaires.scheduled,
            )
            record_event(
                actor,
                AuditAction.CREATED,
                use,
                plan=plan,
                detail={
                    "template": {
                        "id": template.pk,
                        "title": template.title,
                        "revision": template.live_revision_id,
                    },
                    **counts,
                    "reading_assigned": list(reading.assigned),
                    "reading_left": [left.as_dict() for left in reading.left],
                    "questionnaires": list(questionnaires.asked),
                },
            )
    except CareAccessDenied as refused:
        # Refused inside (the rights changed meanwhile): its record went with the rollback.
        raise deny(
            actor,
            refused.permission,
            patient=patient,
            hide_existence=refused.hide_existence,
            reason="refused while starting a plan from a template",
        ) from None
    return StartedPlan(plan, use, reading.assigned, reading.left, questionnaires)
