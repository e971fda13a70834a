"""The alerts a questionnaire result raises on each plan it is shared with (issue 14), on
the red-flag alerts' own path: the same model, the same team pages, the same
acknowledgement (``alerts``) and, for an urgent one, the same escalation (``escalation``).

- An answer on a safety item other than its safe value (the PHQ-9's self-harm item,
  anything but "not at all") raises an urgent ``SAFETY_ANSWER`` alert: emailed at once to
  the lead and to the plan's members of the instrument's discipline (mental health), and
  escalated like red flags when nobody acknowledges it in time.
- A total in a band that alerts (PHQ-9 >= 20, GAD-7 >= 15) raises a ``SEVERE_SCORE`` alert
  for the members of the instrument's discipline to follow up: emailed to them (to the
  lead when the plan has none, so that someone is told), shown on the team's pages until
  acknowledged, never escalated: it is not an emergency, and the patient was told the team
  will contact them soon.
- Both at once raise only the urgent alert: it already reaches the same members, who see
  the score on the plan page, and one alert to act on is clearer than two.

Raised by ``questionnaires.record_questionnaire`` in the result's own transaction, with
the emails and the escalation handed over in it too (``jobs.handoff``): a retried
submission returns the stored result and raises nothing again. The audit event names the
kind, the instrument and who was emailed, never an answer or the score.
"""

from __future__ import annotations

from collections.abc import Iterable

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import CarePlan, CareTeamMembership, TeamRole
from jobs.handoff import enqueue_in_transaction
from questionnaires.scoring import Result

from ..models import AlertKind, QuestionnaireResult, RedFlagAlert
from ..tasks import send_questionnaire_alert_email
from .escalation import schedule_escalation


def alert_kind(scored: Result) -> AlertKind | None:
    """The alert these answers raise, if any (the urgent one when both would)."""
    if scored.safety_fired:
        return AlertKind.SAFETY_ANSWER
    if scored.band_alerts:
        return AlertKind.SEVERE_SCORE
    return None


def alert_recipients(plan: CarePlan, kind: AlertKind, discipline: str) -> list:
    """Who is emailed when ``kind`` is raised on ``plan``: active members, each once. The
    members of the instrument's ``discipline`` (a ``TeamRole`` value, mental health for the
    PHQ-9 and GAD-7), and for an urgent alert the lead first; a severe score goes to the
    lead only when the plan has no member of the discipline."""
    members = list(
        CareTeamMembership.objects.active()
        .filter(plan=plan, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    leads = [member.user for member in members if member.role == TeamRole.LEAD]
    discipline_members = [member.user for member in members if member.role == discipline]
    if kind == AlertKind.SEVERE_SCORE:
        chosen = discipline_members or leads
    else:
        chosen = leads + discipline_members
    return list({user.pk: user for user in chosen}.values())


def raise_questionnaire_alerts(
    result: QuestionnaireResult, user, plans: Iterable[CarePlan], scored: Result
) -> list[RedFlagAlert]:
    """Raise the alert ``scored`` calls for (``alert_kind``) on each of ``plans``, in the
    caller's transaction; none when the answers call for none."""
    kind = alert_kind(scored)
    if kind is None:
        return []
    discipline = scored.instrument.discipline
    alerts = []
    for plan in plans:
        alert = RedFlagAlert.objects.create(plan=plan, kind=kind, questionnaire_result=result)
        recipients = alert_recipients(plan, kind, discipline)
        record_event(
            user,
            AuditAction.CREATED,
            alert,
            plan=plan,
            detail={
                "kind": kind.value,
                "instrument": result.instrument,
                "urgent": alert.is_urgent,
                "notified": [recipient.get_username() for recipient in recipients],
            },
        )
        for recipient in recipients:
            enqueue_in_transaction(send_questionnaire_alert_email, alert.pk, recipient.pk)
        alerts.append(alert)
    schedule_escalation([alert for alert in alerts if alert.is_urgent])
    return alerts
