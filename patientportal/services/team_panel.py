"""What the care team sees of the patient portal on its plan page and dashboard: the open
red-flag alerts with the check-ins that raised them (at the top of the plan page), and the
portal panel (access, reading, check-ins, trends of pain and of every questionnaire
answered, the alerts acknowledged).

A mental-health questionnaire's totals are charted only for a member the policy lets see
them (``PlanAction.VIEW_MENTAL_HEALTH_RESULTS``); the others see when it was done and its
band."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Prefetch, prefetch_related_objects

from careteam.models import CarePlan
from careteam.policy import (
    PatientAction,
    PlanAction,
    Rights,
    may,
    patient_actions_allowed,
    refusal,
)
from core.compiled_sql import CompiledRows
from core.paging import counted_page

from ..charts import TrendChart
from ..models import (
    ActivityReport,
    CheckIn,
    Flare,
    PatientInvitation,
    QuestionnaireResult,
    RedFlagAlert,
)
from .alerts import PlanAlertLists, alerts_for_plan_page
from .assigned_reading import reading_for_plan
from .checkins import pain_chart_of, shared_trend_check_ins
from .flares import recent_flare_count, shared_chart_flares, spans_of
from .logins import may_be_switched_off, portal_access
from .questionnaires import (
    CHARTED_FIELDS,
    AnsweredItem,
    QuestionnaireTrend,
    answered_items,
    questionnaire_trends,
)

RECENT_CHECK_INS = 5
# The reading the plan page lists (unread first); the rest are a link away, on the
# plan's reading page.
READING_ON_PLAN_PAGE = 10


@dataclass
class PlanAlerts:
    """The plan's open alerts, newest first, each with its source: a check-in (the
    patient's answers, note and how their exercises went on this plan) or a questionnaire
    result. ``sees_answers``: whether the reader may see a mental-health result's answers
    and score (``VIEW_MENTAL_HEALTH_RESULTS``); a member who may not still sees that the
    alert is there, what it is about, and acknowledges it: it is a safety alert."""

    plan: CarePlan
    alerts: list[RedFlagAlert]
    can_acknowledge: bool
    sees_answers: bool

    @property
    def why_answers_hidden(self) -> str:
        return refusal(PlanAction.VIEW_MENTAL_HEALTH_RESULTS)

    @property
    def urgent_count(self) -> int:
        return sum(1 for alert in self.alerts if alert.is_urgent)

    @property
    def shown(self) -> list[ShownAlert]:
        """Each alert with the answers this reader may see."""
        return [ShownAlert(alert, answers_shown(alert, self.sees_answers)) for alert in self.alerts]


@dataclass(frozen=True)
class ShownAlert:
    alert: RedFlagAlert
    # A questionnaire's item answers, or None: a check-in's alert, or a mental-health
    # result the reader may not see the answers of.
    answers: list[AnsweredItem] | None


def answers_shown(
    alert: RedFlagAlert, sees_mental_health_results: bool
) -> list[AnsweredItem] | None:
    """The item answers of the questionnaire that raised ``alert``, for a reader who may see
    them (a sensitive instrument's only with ``VIEW_MENTAL_HEALTH_RESULTS``); else None."""
    result = alert.questionnaire_result
    if result is None or (result.definition.sensitive and not sees_mental_health_results):
        return None
    return answered_items(result)


@dataclass
class PlanPortalPanel:
    plan: CarePlan
    access_state: str  # "none", "pending", "active" or "revoked"
    invitation: PatientInvitation | None
    reading: Page  # the first READING_ON_PLAN_PAGE assignments, unread first, and the count
    closed_alerts: list[RedFlagAlert]
    recent_check_ins: list[CheckIn]
    flares: list[Flare]  # those on the pain chart, oldest first
    pain_chart: TrendChart
    questionnaires: list[QuestionnaireTrend]  # each instrument answered, in the registry's order
    patient_actions: frozenset[PatientAction]

    @property
    def recent_flares(self) -> int:
        """How many flares began within the flag window (``FLARE_FLAG_DAYS``)."""
        return recent_flare_count(self.flares)

    @property
    def why_results_hidden(self) -> str:
        """What a member reads beside a mental-health questionnaire they see only the band
        of (the policy's sentence)."""
        return refusal(PlanAction.VIEW_MENTAL_HEALTH_RESULTS)

    @property
    def flaring_often(self) -> bool:
        return self.recent_flares >= settings.FLARE_FLAG_COUNT

    @property
    def flag_days(self) -> int:
        return settings.FLARE_FLAG_DAYS

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


@dataclass
class PlanPageReads:
    """What both of the plan page's portal panels show, read once for the page: the
    plan's alerts, the check-ins its pain chart draws (newest first; the latest are shown
    with how the exercises went, as are the open alerts' check-ins: one query for both),
    the flares shaded on it, and every questionnaire result (newest first, one query for
    all the instruments). Only what the patient shared with this plan."""

    alerts: PlanAlertLists
    charted: list[CheckIn]
    flares: list[Flare]
    questionnaires: list[QuestionnaireResult]

    @property
    def recent_check_ins(self) -> list[CheckIn]:
        return self.charted[:RECENT_CHECK_INS]


def plan_page_reads(plan: CarePlan) -> PlanPageReads:
    reads = PlanPageReads(
        alerts=alerts_for_plan_page(plan),
        charted=shared_trend_check_ins(plan),
        flares=shared_chart_flares(plan),
        questionnaires=_CHARTED_RESULTS.rows(plan.patient_id, plan.pk),
    )
    raised_by = [alert.check_in for alert in reads.alerts.open if alert.check_in is not None]
    check_ins = raised_by + reads.recent_check_ins
    prefetch_related_objects(check_ins, _reports_on(plan, "activity_reports"))
    return reads


# Every plan page reads them: compiled once.
_CHARTED_RESULTS = CompiledRows(
    "the questionnaire results a plan page charts",
    lambda patient_id, plan_id: (
        QuestionnaireResult.objects.filter(patient_id=patient_id, plans=plan_id)
        .only(*CHARTED_FIELDS)
        .order_by("-completed_at", "-pk")
    ),
    ids=2,
)


def plan_alerts(
    user,
    plan: CarePlan,
    *,
    known_perms: Iterable[str] | None = None,
    reads: PlanPageReads | None = None,
) -> PlanAlerts | None:
    """The open alerts at the top of the team's plan page; None when there are
    none or the user is not on the team. Read as part of the plan page's audited view.
    ``known_perms``: the user's permissions on the plan already read in this request;
    ``reads``: what the page already read for its panels."""
    if not _allows(user, plan, PlanAction.VIEW, known_perms):
        return None
    reads = reads or plan_page_reads(plan)
    if not reads.alerts.open:
        return None
    return PlanAlerts(
        plan=plan,
        alerts=reads.alerts.open,
        can_acknowledge=_allows(user, plan, PlanAction.ACKNOWLEDGE_ALERT, known_perms),
        sees_answers=_allows(user, plan, PlanAction.VIEW_MENTAL_HEALTH_RESULTS, known_perms),
    )


def plan_portal_panel(
    user,
    plan: CarePlan,
    *,
    known_perms: Iterable[str] | None = None,
    patient_actions: frozenset[PatientAction] | None = None,
    reads: PlanPageReads | None = None,
) -> PlanPortalPanel | None:
    """The patient-portal part of the team's plan page; None for anyone not on the team.

    Reading the panel is part of viewing the plan, which the plan page already audits.
    ``known_perms`` and ``patient_actions``: the user's permissions on the plan and the
    patient-level actions they may take, already read in this request; ``reads``: what
    the page already read for its panels.
    """
    if not _allows(user, plan, PlanAction.VIEW, known_perms):
        return None
    patient = plan.patient
    state, invitation = portal_access(patient)
    reads = reads or plan_page_reads(plan)
    sees_mental_health_results = _allows(
        user, plan, PlanAction.VIEW_MENTAL_HEALTH_RESULTS, known_perms
    )
    return PlanPortalPanel(
        plan=plan,
        access_state=state,
        invitation=invitation,
        reading=counted_page(reading_for_plan(plan), READING_ON_PLAN_PAGE, 1),
        closed_alerts=reads.alerts.closed,
        recent_check_ins=reads.recent_check_ins,
        flares=reads.flares,
        pain_chart=pain_chart_of(
            reads.charted, chart_id=f"plan-{plan.pk}-pain", flares=spans_of(reads.flares)
        ),
        questionnaires=questionnaire_trends(
            reads.questionnaires,
            chart_prefix=f"plan-{plan.pk}",
            shows_totals=lambda instrument: not instrument.sensitive or sees_mental_health_results,
        ),
        patient_actions=(
            patient_actions_allowed(user, patient) if patient_actions is None else patient_actions
        ),
    )
