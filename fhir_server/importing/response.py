"""The ``transaction-response`` Bundle answering an import: one entry per entry sent, in the
same order, each with its ``response.status`` and ``location``.

The CarePlan, each Goal and the CareTeam (the new plan's own team, led by the importer)
are "201 Created"; the Patient, matched and never created, is "200 OK" at its own
address."""

from __future__ import annotations

from typing import Any

from .spec import PlanSpec
from .writer import ImportedPlan

CREATED = "201 Created"
MATCHED = "200 OK"


def _entry(status: str, location: str) -> dict[str, Any]:
    return {"response": {"status": status, "location": location}}


def transaction_response(spec: PlanSpec, imported: ImportedPlan) -> dict[str, Any]:
    plan = imported.plan
    answers = {
        spec.patient_entry: _entry(MATCHED, f"Patient/{imported.patient.pk}"),
        spec.plan_entry: _entry(CREATED, f"CarePlan/{plan.pk}"),
    }
    if spec.care_team_entry is not None:
        answers[spec.care_team_entry] = _entry(CREATED, f"CareTeam/{plan.pk}")
    for goal_spec, goal in zip(spec.goals, imported.goals, strict=True):
        answers[goal_spec.entry] = _entry(CREATED, f"Goal/{goal.pk}")
    return {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [answers[index] for index in sorted(answers)],
    }
