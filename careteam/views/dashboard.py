"""The provider's home at /care/: the plans whose team they are on.

The search by patient name or record number is a POST to the same URL, answered with the
filtered page itself (no redirect), so a patient's name or record number never appears in
a URL, the audit trail's path or the server's access logs. A GET ignores any ``?q=``.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import DASHBOARD, AuditAction
from audit.services import EventSpec, record_events
from careteam.models import CarePlan, CareTeamMembership, TeamNote, TeamRole
from careteam.panels import render_dashboard_panels
from careteam.plan_starts import plan_starts
from careteam.policy import may_break_the_glass, may_register_patients, plans_where
from careteam.services.emergency import emergency_accesses_for
from core.paging import counted_page

from .authorization import provider_view
from .plans import EMERGENCY_ROLE_LABEL

PLANS_PER_PAGE = 20
MAX_QUERY_LENGTH = 100
ROLE_LABELS = dict(TeamRole.choices)


def search_plans(plans: QuerySet[CarePlan], query: str) -> QuerySet[CarePlan]:
    """Every word must match the patient's name or record number."""
    for word in query.split():
        plans = plans.filter(
            Q(patient__given_name__icontains=word)
            | Q(patient__family_name__icontains=word)
            | Q(patient__record_number__icontains=word)
        )
    return plans


def dashboard_plans(user: AbstractBaseUser, query: str = "") -> QuerySet[CarePlan]:
    """The user's plans with their role and the newest team note, in one query."""
    newest_note = TeamNote.objects.filter(plan=OuterRef("pk")).order_by("-created_at", "-pk")
    my_membership = CareTeamMembership.objects.active().filter(plan=OuterRef("pk"), user=user)
    plans = (
        plans_where(user)
        .select_related("patient")
        .annotate(
            my_role=Subquery(my_membership.values("role")[:1]),
            newest_note_body=Subquery(newest_note.values("body")[:1]),
            newest_note_at=Subquery(newest_note.values("created_at")[:1]),
            newest_note_author_first=Subquery(newest_note.values("author__first_name")[:1]),
            newest_note_author_last=Subquery(newest_note.values("author__last_name")[:1]),
        )
        .order_by(F("last_activity_at").desc(nulls_last=True), "-updated_at", "-pk")
    )
    return search_plans(plans, query) if query else plans


def search_query(request: HttpRequest) -> str:
    """The search words from a POST; a GET never searches."""
    if request.method != "POST":
        return ""
    return request.POST.get("q", "").strip()[:MAX_QUERY_LENGTH]


def dashboard_events(shown: dict[int, CarePlan], emergency: dict[int, int]) -> list[EventSpec]:
    """What a dashboard view records: ONE event naming the plans listed (``{"what":
    "dashboard", "plans": [ids]}``, which each plan's audit trail finds through
    ``AuditEvent.objects.trail_for_plan``), and one event on each plan seen under the user's
    own emergency access, marked with the grant's id."""
    listed = [plan_id for plan_id in shown if plan_id not in emergency]
    events = [EventSpec(AuditAction.VIEWED, detail={"what": DASHBOARD, "plans": listed})]
    events += [
        EventSpec(
            AuditAction.VIEWED,
            shown[plan_id],
            plan=shown[plan_id],
            detail={"what": DASHBOARD, "emergency_access": grant_id},
        )
        for plan_id, grant_id in emergency.items()
        if plan_id in shown
    ]
    return events if listed else events[1:]


@provider_view("GET", "POST")
def dashboard(request: HttpRequest) -> HttpResponse:
    query = search_query(request)
    # A search's later pages are POSTs too (the query rides in a hidden field).
    params = request.POST if request.method == "POST" else request.GET
    page = counted_page(dashboard_plans(request.user, query), PLANS_PER_PAGE, params.get("page"))
    # Active emergency accesses: the user's own, and others' to plans they lead.
    emergency = emergency_accesses_for(request.user)
    mine = {grant.plan_id: grant.pk for grant in emergency if grant.user_id == request.user.pk}
    shown = {plan.pk: plan for plan in page}
    for plan in page:
        plan.my_role_label = (
            EMERGENCY_ROLE_LABEL if plan.pk in mine else ROLE_LABELS.get(plan.my_role, "")
        )
    shown.update({grant.plan_id: grant.plan for grant in emergency})
    record_events(request.user, dashboard_events(shown, mine), request=request)
    context = {
        "page": page,
        "query": query,
        "dashboard_panels": render_dashboard_panels(request),
        "can_create_plans": may_register_patients(request.user),
        "plan_starts": plan_starts(),
        "can_break_the_glass": may_break_the_glass(request.user),
        "emergency_accesses": emergency,
    }
    return render(request, "careteam/dashboard.html", context)
