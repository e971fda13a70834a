"""What the care team sees of the patient portal on its plan page and dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

from careteam.models import CarePlan
from careteam.permissions import VIEW, user_can
from careteam.policy import MANAGE_PORTAL_ACCESS, may_act_on_patient

from ..charts import TrendChart
from ..models import ActivityReport, CheckIn, PatientInvitation, ReadingAssignment, RedFlagAlert
from .assigned_reading import reading_for_plan
from .checkins import odi_chart, open_alerts_for_plan, pain_chart
from .logins import latest_invitation

RECENT_CHECK_INS = 5


@dataclass
class PlanPortalPanel:
    plan: CarePlan
    access_state: str  # "none", "pending", "active" or "revoked"
    invitation: PatientInvitation | None
    reading: list[ReadingAssignment]
    alerts: list[RedFlagAlert]
    recent_check_ins: list[CheckIn]
    pain_chart: TrendChart
    odi_chart: TrendChart
    can_manage_access: bool

    @property
    def can_invite(self) -> bool:
        return (
            self.can_manage_access
            and bool(self.plan.patient.email)
            and self.access_state != "active"
        )

    @property
    def can_revoke(self) -> bool:
        return self.can_manage_access and self.access_state in ("active", "pending")


def plan_portal_panel(
    user, plan: CarePlan, *, known_perms: Iterable[str] | None = None
) -> PlanPortalPanel | None:
    """The patient-portal part of the team's plan page; None for anyone not on the team.

    Reading the panel is part of viewing the plan, which the plan page already audits.
    ``known_perms``: the user's permissions on the plan already read in this request.
    """
    can_view = user_can(user, VIEW, plan) if known_perms is None else VIEW in known_perms
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
        recent_check_ins=recent,
        pain_chart=pain_chart(plan.patient_id, shared_with=plan, chart_id=f"plan-{plan.pk}-pain"),
        odi_chart=odi_chart(plan.patient_id, shared_with=plan, chart_id=f"plan-{plan.pk}-odi"),
        can_manage_access=may_act_on_patient(user, MANAGE_PORTAL_ACCESS, patient),
    )
