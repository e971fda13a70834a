"""The programme's link on careteam's plan page, drawn without a query: the plan page has a
fixed budget, and the programme's own page shows its version and adherence
(``register_panels()`` runs from ``ExercisesConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from careteam.panels import PlanPage, register_plan_panel
from careteam.policy import PlanAction, Rights

PLAN_PANEL = "exercises-programme"
PLAN_PANEL_TEMPLATE = "exercises/includes/plan_panel.html"


def programme_panel_context(page: PlanPage) -> dict[str, Any] | None:
    """The link for anyone who may read the plan (the page already read their rights)."""
    if not Rights(page.codenames).allows(PlanAction.VIEW):
        return None
    return {"plan": page.plan}


def register_panels() -> None:
    register_plan_panel(
        PLAN_PANEL,
        template=PLAN_PANEL_TEMPLATE,
        context=programme_panel_context,
        order=105,
        anchor="exercise-programme-heading",
        label="Home exercise programme",
    )
