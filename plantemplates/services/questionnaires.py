"""The questionnaires a template asks for (instrument code, every so many days), scheduled
on the new plan through the patient portal's ``schedule_questionnaire`` (its own checks and
audit). The policy is asked first: a mental-health questionnaire (PHQ-9, GAD-7) is
scheduled only by a member who may read its results, which the lead may not; such a one is
left, with the policy's sentence, for the team's mental-health professional."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from careteam.models import CarePlan
from careteam.policy import refusal, rights_on, schedule_questionnaire_action
from patientportal.services.schedules import schedule_questionnaire
from questionnaires.instruments import INSTRUMENTS

from ..models import PlanTemplate

UNKNOWN = "This questionnaire is no longer offered."


@dataclass(frozen=True)
class QuestionnaireOutcome:
    # Each one the template asks for: {"instrument", "every_days", "scheduled", "reason"}.
    asked: tuple[dict[str, object], ...]

    @property
    def scheduled(self) -> bool:
        """Whether every one asked for was scheduled."""
        return all(item["scheduled"] for item in self.asked)

    @property
    def left(self) -> tuple[dict[str, object], ...]:
        return tuple(item for item in self.asked if not item["scheduled"])


def schedule_template_questionnaires(
    actor: User, plan: CarePlan, template: PlanTemplate, starts_on: datetime.date
) -> QuestionnaireOutcome:
    """Schedule each questionnaire the template asks for from ``starts_on`` (from the
    patient's today if that has passed); leave those the actor may not schedule."""
    today = plan.patient.today(timezone.now())
    first_day = max(starts_on, today)
    rights = rights_on(actor, plan)
    asked = []
    for block in template.questionnaires:
        code, every_days = block.value["instrument"], block.value["every_days"]
        item: dict[str, object] = {"instrument": code, "every_days": every_days}
        instrument = INSTRUMENTS.get(code)
        action = schedule_questionnaire_action(instrument.sensitive) if instrument else None
        if action is None:
            item |= {"scheduled": False, "reason": UNKNOWN}
        elif not rights.allows_on(plan, action):
            item |= {"scheduled": False, "reason": refusal(action)}
        else:
            schedule_questionnaire(actor, plan, code, every_days, first_day)
            item |= {"scheduled": True, "reason": ""}
        asked.append(item)
    return QuestionnaireOutcome(tuple(asked))
