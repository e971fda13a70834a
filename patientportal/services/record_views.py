""" "Who looked at my record": the staff who viewed a patient's care plans, and when.

Use ``record_views(patient)`` for the views, newest first (paginate it), and
``describe(view, titles)`` for what the page says about each one; ``plan_titles(patient)``
gives the titles the patient may see. A view is a 'viewed' audit event on one of the
patient's plans (any status) by a provider; the patient's own views are left out, and so are
dashboard listings (a plan named in a provider's list of plans is not a look at it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, CareTeamMembership, Discipline, Patient, TeamRole

from .patients import plans_for_patient

ROLE_WORDS = {
    TeamRole.LEAD: "Pain doctor leading your care team",
    TeamRole.PHYSICAL_THERAPY: "Physical therapist on your care team",
    TeamRole.MENTAL_HEALTH: "Mental-health professional on your care team",
    TeamRole.CONTRIBUTOR: "On your care team",
}
DISCIPLINE_WORDS = dict(Discipline.choices)
WHAT_WORDS = {
    "plan": "Your care plan",
    "history": "Your plan's history of changes",
    "audit_trail": "The record of who viewed your plan",
    "private_notes": "Your counselling notes",
    "dashboard": "Your plan in their list of plans",
}
DRAFT_PLAN = "A plan your team is preparing"


@dataclass(frozen=True)
class RecordView:
    """One look at the patient's record, in the words the patient reads."""

    when: object
    who: str
    role: str
    what: str
    plan: str


def record_views(patient: Patient) -> QuerySet[AuditEvent]:
    """Providers' views of the patient's plans, newest first, with the viewer's role on
    that plan's team (``team_role``; None if they were never on it)."""
    plans = CarePlan.objects.filter(patient=patient).values("pk")
    role = CareTeamMembership.objects.filter(
        plan_id=OuterRef("care_plan_id"), user_id=OuterRef("actor_id")
    ).order_by("-joined_at", "-pk")
    return (
        AuditEvent.objects.filter(
            action=AuditAction.VIEWED,
            care_plan_id__in=plans,
            actor__provider_profile__isnull=False,
        )
        .exclude(actor_id=patient.user_id)
        .select_related("actor__provider_profile")
        .annotate(team_role=Subquery(role.values("role")[:1]))
        .order_by("-occurred_at", "-pk")
    )


def plan_titles(patient: Patient) -> dict[int, str]:
    """Titles of the plans the patient may see, by id."""
    return dict(plans_for_patient(patient).values_list("pk", "title"))


def describe(view: AuditEvent, titles: dict[int, str]) -> RecordView:
    actor = view.actor
    provider = getattr(actor, "provider_profile", None)
    discipline = DISCIPLINE_WORDS.get(provider.discipline, "") if provider else ""
    detail = view.detail if isinstance(view.detail, dict) else {}
    role = ROLE_WORDS.get(view.team_role, discipline)  # type: ignore[attr-defined]
    if detail.get("emergency_access"):
        role = f"{discipline or 'Clinician'}, with emergency access"
    name = actor.get_full_name() or actor.get_username() if actor else view.actor_username
    return RecordView(
        when=view.occurred_at,
        who=name,
        role=role,
        what=WHAT_WORDS.get(str(detail.get("what", "plan")), WHAT_WORDS["plan"]),
        plan=titles.get(view.care_plan_id or 0, DRAFT_PLAN),
    )
