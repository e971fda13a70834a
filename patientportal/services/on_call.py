"""The clinic's urgent alerts for whoever is on call (/care/alerts/): every open alert and
those closed in the last ``CLOSED_WINDOW``, across all plans, open first, newest first.
Urgent means red flags and a questionnaire's safety answer (``URGENT_KINDS``); a severe
score is for the plan's mental-health member and is not listed here.

Who may read it is ``careteam.policy.may_view_clinic_alerts`` (providers in the "On call"
group), asked by the view before this runs. It names each patient by record number and
each plan by its title, no more; opening a plan still needs a place on its team or an
emergency access, so each row says which of them the reader has. Reading it is audited
as one event naming the alerts and plans listed (as the dashboard records its listing).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from audit.models import CLINIC_ALERTS, AuditAction
from audit.services import record_event
from careteam.policy import PlanAction, PlanRights, may_break_the_glass

from ..models import URGENT_KINDS, RedFlagAlert
from .escalation import escalation_due_at

CLOSED_WINDOW = datetime.timedelta(days=7)


@dataclass(frozen=True)
class AlertRow:
    alert: RedFlagAlert
    # Whether the reader may open the plan's page (team or emergency access), and close
    # the alert (team only).
    can_open_plan: bool
    can_acknowledge: bool

    @property
    def escalates_at(self) -> datetime.datetime | None:
        """When an open urgent alert not escalated yet will be, else None."""
        alert = self.alert
        if not alert.is_urgent or not alert.is_open or alert.escalated_at is not None:
            return None
        return escalation_due_at(alert)


@dataclass(frozen=True)
class ClinicAlerts:
    open: list[AlertRow]
    closed: list[AlertRow]
    since: datetime.datetime
    # The reader may open a plan they are not on in an emergency (``BREAK_THE_GLASS``).
    can_break_the_glass: bool


def clinic_alerts(user, *, request: HttpRequest | None = None) -> ClinicAlerts:
    """The list for ``user`` (who ``may_view_clinic_alerts``), recorded as read."""
    since = timezone.now() - CLOSED_WINDOW
    rows = (
        RedFlagAlert.objects.filter(kind__in=URGENT_KINDS)
        .select_related("plan__patient", "acknowledged_by")
        .order_by("-created_at", "-pk")
    )
    open_alerts = list(rows.filter(acknowledged_at__isnull=True))
    closed_alerts = list(rows.filter(acknowledged_at__gte=since))
    alerts = open_alerts + closed_alerts
    rights = PlanRights(user, {alert.plan_id: alert.plan for alert in alerts}.values())

    def row(alert: RedFlagAlert) -> AlertRow:
        on_plan = rights.on(alert.plan)
        return AlertRow(
            alert,
            can_open_plan=on_plan.can_view,
            can_acknowledge=on_plan.allows(PlanAction.ACKNOWLEDGE_ALERT),
        )

    record_event(
        user,
        AuditAction.VIEWED,
        None,
        request=request,
        detail={
            "what": CLINIC_ALERTS,
            "alerts": [alert.pk for alert in alerts],
            "plans": sorted({alert.plan_id for alert in alerts}),
        },
    )
    return ClinicAlerts(
        open=[row(alert) for alert in open_alerts],
        closed=[row(alert) for alert in closed_alerts],
        since=since,
        can_break_the_glass=may_break_the_glass(user),
    )
