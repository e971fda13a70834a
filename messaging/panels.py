"""Where messages show outside their own pages:

- on the team's plan page, a panel that links to the plan's messages, from the rights the
  page already read (no query);
- on the dashboard, the plans with unread messages for the user (one query, however many);
- in a patient's navigation, "Messages (2)" (one query).

``register_panels()`` runs from ``MessagingConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from careteam.panels import DashboardPage, PlanPage, register_dashboard_panel, register_plan_panel
from careteam.policy import Rights
from core.navigation import register_link_count

from .access import from_plan_rights
from .services import unread_for_patient, unread_for_provider

PLAN_PANEL = "messaging"
DASHBOARD_PANEL = "messaging-unread"


def plan_panel_context(page: PlanPage) -> dict[str, Any] | None:
    rights = from_plan_rights(Rights(page.codenames))
    if not rights.any:
        return None
    return {
        "plan": page.plan,
        "url": reverse("messaging_team:messages", kwargs={"plan_id": page.plan.pk}),
        "may_send": rights.send,
        "mental_health": rights.read_mental_health,
    }


def dashboard_context(page: DashboardPage) -> dict[str, Any] | None:
    unread = unread_for_provider(page.user)
    if not unread:
        return None
    return {"unread": unread, "total": sum(row.unread for row in unread)}


def register_panels() -> None:
    register_plan_panel(
        PLAN_PANEL,
        template="messaging/includes/plan_panel.html",
        context=plan_panel_context,
        order=90,
        anchor="plan-messages",
        label="Messages",
    )
    register_dashboard_panel(
        DASHBOARD_PANEL,
        template="messaging/includes/dashboard_panel.html",
        context=dashboard_context,
    )
    register_link_count("messaging:messages", unread_for_patient)
