"""The safety net in audit.middleware.AuditContextMiddleware: every 403 or 404 under /care/
and /my/ leaves exactly one 'denied' audit event, whether or not the view recorded it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseNotFound
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.middleware import AuditContextMiddleware
from audit.models import AuditAction, AuditEvent
from audit.services import (
    EventSpec,
    denied_recorded,
    record_event,
    record_events,
    request_context,
)
from careteam.models import Goal
from patientportal.services.checkins import record_check_in
from tests.patient_fixtures import PortalWorld

pytestmark = pytest.mark.django_db


def denials_for(path: str):
    return AuditEvent.objects.filter(action=AuditAction.DENIED, path=path)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_lead_probing_another_plans_goal_under_their_own_plan_leaves_a_denied_event(
    portal_world: PortalWorld,
):
    other_goal = Goal.objects.filter(section__plan=portal_world.other_plan).first()
    url = reverse(
        "careteam:goal-edit", kwargs={"plan_id": portal_world.plan.pk, "item_id": other_goal.pk}
    )
    response = client_for(portal_world.lead).get(url)
    assert response.status_code == 404
    assert denials_for(url).filter(actor=portal_world.lead).count() == 1


def test_a_patient_probing_someone_elses_check_in_leaves_a_denied_event(
    portal_world: PortalWorld,
):
    theirs = record_check_in(
        portal_world.other_plan.patient,
        portal_world.other_user,
        pain_score=8,
        red_flags=["severe_pain_after_fall"],
    )
    url = reverse("patientportal:check-in-urgent", kwargs={"check_in_id": theirs.pk})
    response = client_for(portal_world.patient_user).get(url)
    assert response.status_code == 404
    assert denials_for(url).filter(actor=portal_world.patient_user).count() == 1


def test_an_unknown_plan_already_refused_by_the_view_is_recorded_once(
    portal_world: PortalWorld,
):
    response = client_for(portal_world.lead).get("/care/plans/999999/")
    assert response.status_code == 404
    assert denials_for("/care/plans/999999/").filter(actor=portal_world.lead).count() == 1


def test_a_403_already_recorded_by_the_view_is_recorded_once(portal_world: PortalWorld):
    url = reverse("careteam:plan-edit", kwargs={"plan_id": portal_world.plan.pk})
    response = client_for(portal_world.team.physio).get(url)
    assert response.status_code == 403
    assert denials_for(url).count() == 1


def test_an_id_the_url_converter_rejects_is_recorded_even_for_an_anonymous_visitor(
    portal_world: PortalWorld,
):
    response = Client().get("/care/plans/0/")
    assert response.status_code == 404
    event = denials_for("/care/plans/0/").get()
    assert (event.actor, event.actor_username) == (None, "")
    assert event.detail == {"reason": "refused", "status": 404}


def test_refusals_outside_care_and_my_and_pages_that_work_leave_no_denied_event(
    portal_world: PortalWorld,
):
    lead = client_for(portal_world.lead)
    plan_url = reverse("careteam:plan-detail", kwargs={"plan_id": portal_world.plan.pk})
    assert lead.get("/no-such-page/").status_code == 404
    assert lead.get(plan_url).status_code == 200
    assert not denials_for("/no-such-page/").exists()
    assert not denials_for(plan_url).exists()


# --- The per-request record behind the net --------------------------------------------------


def run_through_middleware(view, path: str = "/my/plan/") -> HttpResponse:
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return AuditContextMiddleware(view)(request)


def test_a_refusal_no_view_recorded_gets_one_event_with_its_status():
    run_through_middleware(lambda request: HttpResponseForbidden("no"))
    event = denials_for("/my/plan/").get()
    assert event.detail == {"reason": "refused", "status": 403}


@pytest.mark.parametrize("bulk", [False, True], ids=["record_event", "record_events"])
def test_a_refusal_the_view_recorded_is_not_recorded_again(bulk):
    def view(request):
        if bulk:
            record_events(request.user, [EventSpec(AuditAction.DENIED, detail={"by": "view"})])
        else:
            record_event(request.user, AuditAction.DENIED, None, detail={"by": "view"})
        return HttpResponseNotFound("no")

    run_through_middleware(view)
    assert [event.detail for event in denials_for("/my/plan/")] == [{"by": "view"}]


def test_other_events_do_not_count_as_a_recorded_refusal():
    def view(request):
        record_event(request.user, AuditAction.VIEWED, None)
        return HttpResponseNotFound("no")

    run_through_middleware(view)
    assert denials_for("/my/plan/").count() == 1


def test_whether_a_refusal_was_recorded_starts_afresh_with_each_request():
    request = RequestFactory().get("/care/")
    assert not denied_recorded()
    with request_context(request):
        record_event(None, AuditAction.DENIED, None)
        assert denied_recorded()
        with request_context(request):
            assert not denied_recorded()
        assert denied_recorded()
    assert not denied_recorded()
    with request_context(request):
        assert not denied_recorded()
