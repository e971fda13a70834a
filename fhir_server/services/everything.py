"""``CarePlan/$everything``: the plan (the match) with its care team, goals, the patient,
and the observations and questionnaire responses the patient shared with it (included).

The plan is opened as a read (``reader.open_plan``: 404 and a 'denied' event for anyone
who may not see it); everything in the Bundle is then audited in one more INSERT. A fixed
number of queries whatever the plan holds."""

from __future__ import annotations

from api.services.readers import Reader
from careteam.models import CarePlan

from ..resources.patient import patient_resource
from . import plan_resources as plans_
from . import report_resources as reports_
from .reader import Found, open_plan, record_search


def everything(reader: Reader, plan_id: str) -> tuple[Found, list[Found]]:
    """The plan and what comes with it, audited."""
    plan = open_plan(reader, plan_id, what="fhir CarePlan $everything")
    plans = CarePlan.objects.filter(pk=plan.pk)
    match = plans_.careplan_resources(reader, plans)[0]
    reports = reports_.Filters(plans=plans)
    included = [
        *plans_.careteam_resources(plans),
        *plans_.goal_resources(reader, plans),
        Found(patient_resource(plan.patient), plan),
        *reports_.pain_observations(reader, reports),
        *reports_.questionnaire_observations(reader, reports),
        *reports_.questionnaire_responses(reader, reports),
    ]
    record_search(reader, included, what="fhir CarePlan $everything")
    return match, included
