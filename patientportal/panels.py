"""The patient-portal parts of the care team's pages, added through ``careteam.panels``:

- on the plan page, at the top, the open red-flag alerts with the check-ins that raised
  them; further down, the portal panel (access, assigned reading, check-ins, trends, the
  alerts acknowledged);
- on the dashboard, the red-flag alerts waiting on the user's teams, and for whoever is on
  call a link to the clinic's alert list (``views.on_call``).

``register_panels()`` runs from ``PatientPortalConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from careteam.models import CarePlan
from careteam.panels import (
    DashboardPage,
    PlanPage,
    PlanPlace,
    register_dashboard_panel,
    register_plan_panel,
)
from careteam.policy import may_view_clinic_alerts

from .forms import InvitePatientForm
from .services.alerts import open_alerts_for_user
from .services.flares import plans_flaring_often
from .services.overdue import plans_with_overdue
from .services.team_panel import (
    PlanPageReads,
    PlanPortalPanel,
    plan_alerts,
    plan_page_reads,
    plan_portal_panel,
)

PLAN_PANEL = "patientportal"
PLAN_ALERTS_PANEL = "patientportal-plan-alerts"
PAGE_READS = "patientportal-plan-page"
DASHBOARD_PANEL = "patientportal-red-flag-alerts"
PLAN_PANEL_TEMPLATE = "patientportal/includes/plan_portal_panel.html"
PLAN_ALERTS_TEMPLATE = "patientportal/includes/plan_alerts.html"
RED_FLAG_ALERTS_TEMPLATE = "patientportal/includes/red_flag_alerts.html"
FLARING_PANEL = "patientportal-flaring-often"
FLARING_TEMPLATE = "patientportal/includes/flaring_often.html"
OVERDUE_PANEL = "patientportal-overdue-items"
OVERDUE_TEMPLATE = "patientportal/includes/overdue_items.html"


def _panel_context(panel: PlanPortalPanel) -> dict[str, Any]:
    # The invite button's form: a new one-time key each time the panel is drawn.
    return {"panel": panel, "invite_form": InvitePatientForm()}


def _reads(page: PlanPage) -> PlanPageReads:
    """What the top panel (open alerts) and the portal panel show, read once for both (the
    plan page renders panels only for someone who may view the plan; each panel still asks
    the policy before showing anything)."""
    return page.read_once(PAGE_READS, lambda: plan_page_reads(page.plan))


def portal_panel_context(page: PlanPage) -> dict[str, Any] | None:
    """The plan page's portal panel, from the rights the page already read; None (no
    panel) for anyone not on the team."""
    panel = plan_portal_panel(
        page.user,
        page.plan,
        known_perms=page.codenames,
        patient_actions=page.patient_actions,
        reads=_reads(page),
    )
    return None if panel is None else _panel_context(panel)


def plan_alerts_context(page: PlanPage) -> dict[str, Any] | None:
    """The plan's open red-flag alerts; None (no panel) when there are none."""
    alerts = plan_alerts(page.user, page.plan, known_perms=page.codenames, reads=_reads(page))
    return None if alerts is None else {"panel": alerts}


def red_flag_alerts_context(page: DashboardPage) -> dict[str, Any]:
    return {
        "alerts": list(open_alerts_for_user(page.user)),
        "on_call": may_view_clinic_alerts(page.user),
    }


def render_portal_panel(
    request: HttpRequest, plan: CarePlan, known_perms: Iterable[str] | None = None
) -> SafeString:
    """The portal panel on its own (without ``known_perms`` the user's rights are read)."""
    panel = plan_portal_panel(request.user, plan, known_perms=known_perms)
    if panel is None:
        return SafeString("")
    return render_to_string(PLAN_PANEL_TEMPLATE, _panel_context(panel), request=request)


def flaring_often_context(page: DashboardPage) -> dict[str, Any] | None:
    """The user's patients who flare often (``FLARE_FLAG_COUNT`` in ``FLARE_FLAG_DAYS``);
    None (no panel) when there are none."""
    flaring = plans_flaring_often(page.user)
    if not flaring:
        return None
    return {
        "flaring": flaring,
        "flag_count": settings.FLARE_FLAG_COUNT,
        "flag_days": settings.FLARE_FLAG_DAYS,
    }


def overdue_items_context(page: DashboardPage) -> dict[str, Any] | None:
    """The user's patients with overdue questionnaires or procedure follow-ups (one
    query); None (no panel) when there are none."""
    overdue = plans_with_overdue(page.user)
    return {"overdue": overdue} if overdue else None


def render_red_flag_alerts(request: HttpRequest) -> SafeString:
    context = red_flag_alerts_context(DashboardPage(request=request))
    return render_to_string(RED_FLAG_ALERTS_TEMPLATE, context, request=request)


def register_panels() -> None:
    register_plan_panel(
        PLAN_ALERTS_PANEL,
        template=PLAN_ALERTS_TEMPLATE,
        context=plan_alerts_context,
        place=PlanPlace.ALERTS,
        anchor="red-flag-alerts",
        label="Red-flag alerts",
    )
    register_plan_panel(
        PLAN_PANEL,
        template=PLAN_PANEL_TEMPLATE,
        context=portal_panel_context,
        anchor="portal-panel-heading",
        label="Patient portal",
    )
    register_dashboard_panel(
        DASHBOARD_PANEL, template=RED_FLAG_ALERTS_TEMPLATE, context=red_flag_alerts_context
    )
    register_dashboard_panel(
        FLARING_PANEL, template=FLARING_TEMPLATE, context=flaring_often_context, order=110
    )
    register_dashboard_panel(
        OVERDUE_PANEL, template=OVERDUE_TEMPLATE, context=overdue_items_context, order=120
    )
