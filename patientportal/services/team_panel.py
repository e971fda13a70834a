"""What the care team sees of the patient portal on its plan page and dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from careteam.models import CarePlan
from careteam.policy import PatientAction, PlanAction, Rights, may, patient_actions_allowed

from ..charts import TrendChart
from ..models import ActivityReport, CheckIn, PatientInvitation, ReadingAssignment, RedFlagAlert
from .alerts import closed_alerts_for_plan, open_alerts_for_plan
from .assigned_reading import reading_for_plan
from .checkins import odi_chart, pain_chart
from .logins import latest_invitation

RECENT_CHECK_INS = 5


@dataclass
class PlanPortalPanel:
    plan: CarePlan
    access_state: str  # "none", "pending", "active" or "revoked"
    invitation: PatientInvitation | None
    reading: list[ReadingAssignment]
    alerts: list[RedFlagAlert]
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
            self.access_state in ("active", "pending")
        )

    @property
    def may_invite_once_email_known(self) -> bool:
        """The user could invite the patient if the record had an email address."""
        return (
            PatientAction.INVITE_PATIENT in self.patient_actions
            and not self.plan.patient.email
            and self.access_state != "active"
        )


def plan_portal_panel(
    user, plan: CarePlan, *, known_perms: Iterable[str] | None = None
) -> PlanPortalPanel | None:
    """The patient-portal part of the team's plan page; None for anyone not on the team.

    Reading the panel is part of viewing the plan, which the plan page already audits.
    ``known_perms``: the user's permissions on the plan already read in this request.
    """
    if known_perms is None:
        can_view = may(user, PlanAction.VIEW, plan)
    else:
        can_view = Rights(frozenset(known_perms)).allows(PlanAction.VIEW)
    if not can_view:
        return None
    patient = plan.patient
    invitation = latest_invitation(patient)
    state = "none" if patient.user_id is None or invitation is None else invitation.state
    # Only what the patient shared with this plan: never another plan's check-ins, nor
    # how they went with another plan's exercises.
    recent = list(
        CheckIn.objects.filter(patient_id=plan.patient_id, plans=plan).prefetch_related(
            Prefetch(
                "activity_reports",
                queryset=ActivityReport.objects.filter(activity__section__plan=plan)
                .select_related("activity")
                .order_by("pk"),
            )
        )[:RECENT_CHECK_INS]
    )
    return PlanPortalPanel(
        plan=plan,
        access_state=state,
        invitation=invitation,
        reading=list(reading_for_plan(plan)),
        alerts=list(open_alerts_for_plan(plan)),
        closed_alerts=list(closed_alerts_for_plan(plan)),
        recent_check_ins=recent,
        pain_chart=pain_chart(plan.patient_id, shared_with=plan, chart_id=f"plan-{plan.pk}-pain"),
        odi_chart=odi_chart(plan.patient_id, shared_with=plan, chart_id=f"plan-{plan.pk}-odi"),
        patient_actions=patient_actions_allowed(user, patient),
    )
