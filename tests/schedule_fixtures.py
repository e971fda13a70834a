"""A questionnaire schedule to point the form-safety tests at (built through the service)."""

from __future__ import annotations

from careteam.models import CarePlan
from patientportal.models import QuestionnaireSchedule
from patientportal.services.schedules import schedule_questionnaire


def odi_schedule(plan: CarePlan, lead) -> QuestionnaireSchedule:
    """The plan's active ODI schedule, scheduled by its lead the first time it is asked for."""
    found = QuestionnaireSchedule.objects.active().filter(plan=plan, instrument="odi").first()
    return found or schedule_questionnaire(lead, plan, "odi")
