"""What the care team sees of the patient portal on its plan page and dashboard: the open
red-flag alerts with the check-ins that raised them (at the top of the plan page), and the
portal panel (access, reading, check-ins, trends, the alerts acknowledged)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects

from careteam.models import CarePlan
from careteam.policy import PatientAction, PlanAction, Rights, may, patient_actions_allowed

from ..charts import TrendChart
from ..models import ActivityReport, CheckIn, PatientInvitation, ReadingAssignment, RedFlagAlert
from .alerts import PlanAlertLists, alerts_for_plan_page
from .assigned_reading import reading_for_plan
from .checkins import odi_chart, pain_chart_of, trend_window_check_ins
from .logins import may_be_switched_off, portal_access

RECENT_CHECK_INS = 5


@dataclass
class PlanAlerts:
    """The plan's open red-flag alerts, newest first, each with its check-in (the patient's
    answers, note and how their exercises went on this plan)."""

    plan: CarePlan
    alerts: list[RedFlagAlert]
    can_acknowledge: bool


@dataclass
class PlanPortalPanel:
    plan: CarePlan
    access_state: str  # "none", "pending", "active" or "revoked"
    invitation: PatientInvitation | None
    reading: list[ReadingAssignment]
    closed_alerts: list[RedFlagAlert]
    recent_check_ins: list[CheckIn]
    pain_chart: TrendChart
    odi_chart: TrendChart
    patient_actions: frozenset[PatientAction]

    @property
    def can_invite(self) -> bool:
        return (
            PatientAction.INVITE_PATIENT in self.patient_actions
            and bool(self.plan.patient.email)
            and self.access_state != "active"
        )

    @property
    def can_revoke(self) -> bool:
        return PatientAction.SWITCH_OFF_PORTAL_ACCESS in self.patient_actions and (
            may_be_switched_off(self.access_state)
        )

    @property
    def may_invite_once_email_known(self) -> bool:
        """The user could invite the patient if the record had an email address."""
        return (
            PatientAction.INVITE_PATIENT in self.patient_actions
            and not self.plan.patient.email
            and self.access_state != "active"
        )


def _allows(user, plan: CarePlan, action: PlanAction, known_perms: Iterable[str] | None) -> bool:
    if known_perms is None:
        return may(user, action, plan)
    return Rights(frozenset(known_perms)).allows(action)


def _reports_on(plan: CarePlan, lookup: str) -> Prefetch:
    """How the patient's exercises on this plan went, as a check-in reported it: never how
    they went with another plan's."""
    return Prefetch(
        lookup,
        queryset=ActivityReport.objects.filter(activity__section__plan=plan)
        .select_related("activity")
        .order_by("pk"),
    )


def plan_alerts(
    user,
    plan: CarePlan,
    *,
    known_perms: Iterable[str] | None = None,
    alerts: PlanAlertLists | None = None,
) -> PlanAlerts | None:
    """The open red-flag alerts at the top of the team's plan page; None when there are
    none or the user is not on the team. Read as part of the plan page's audited view.
    ``known_perms``: the user's permissions on the plan already read in this request;
    ``alerts``: the plan's alerts as the page already read them."""
    if not _allows(user, plan, PlanAction.VIEW, known_perms):
        return None
    alerts = alerts or alerts_for_plan_page(plan)
    if not alerts.open:
        return None
    prefetch_related_objects(alerts.open, _reports_on(plan, "check_in__activity_reports"))
    can_acknowledge = _allows(user, plan, PlanAction.ACKNOWLEDGE_ALERT, known_perms)
    return PlanAlerts(plan=plan, alerts=alerts.open, can_acknowledge=can_acknowledge)


def plan_portal_panel(
    user,
    plan: CarePlan,
    *,
    known_perms: Iterable[str] | None = None,
    patient_actions: frozenset[PatientAction] | None = None,
    alerts: PlanAlertLists | None = None,
) -> PlanPortalPanel | None:
    """The patient-portal part of the team's plan page; None for anyone not on the team.

    Reading the panel is part of viewing the plan, which the plan page already audits.
    ``known_perms`` and ``patient_actions``: the user's permissions on the plan and the
    patient-level actions they may take, already read in this request; ``alerts``: the
    plan's alerts, likewise.
    """
    if not _allows(user, plan, PlanAction.VIEW, known_perms):
        return None
    patient = plan.patient
    state, invitation = portal_access(patient)
    # Only what the patient shared with this plan: never another plan's check-ins. The
    # latest are the newest of those the chart draws (the last months'), read with them.
    charted = list(trend_window_check_ins(plan.patient_id, shared_with=plan))
    recent = charted[:RECENT_CHECK_INS]
    prefetch_related_objects(recent, _reports_on(plan, "activity_reports"))
    return PlanPortalPanel(
        plan=plan,
        access_state=state,
        invitation=invitation,
        reading=list(reading_for_plan(plan)),
        closed_alerts=(alerts or alerts_for_plan_page(plan)).closed,
        recent_check_ins=recent,
        pain_chart=pain_chart_of(charted, chart_id=f"plan-{plan.pk}-pain"),
        odi_chart=odi_chart(plan.patient_id, shared_with=plan, chart_id=f"plan-{plan.pk}-odi"),
        patient_actions=(
            patient_actions_allowed(user, patient) if patient_actions is None else patient_actions
        ),
    )
