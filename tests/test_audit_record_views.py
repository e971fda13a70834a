""" "Who looked at my record" at /my/record-views/: the staff who viewed the patient's plans,
in what role and when; never another patient's, never the patient's own views."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import record_event
from careteam.services import record_plan_view
from tests.patient_fixtures import PortalWorld

URL = "/my/record-views/"

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(world: PortalWorld, user=None, **params) -> str:
    response = client_for(user or world.patient_user).get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_url_and_the_link_from_the_plan_page(portal_world):
    assert reverse("patientportal:record-views") == URL
    plan_page = client_for(portal_world.patient_user).get(reverse("patientportal:plan"))
    assert f'href="{URL}"' in plan_page.content.decode()


def test_staff_views_of_my_plans_show_name_role_and_when(portal_world):
    team = portal_world.team
    team.physio.first_name, team.physio.last_name = "Morgan", "Physio"
    team.physio.save()
    record_plan_view(portal_world.plan, team.physio)
    record_plan_view(portal_world.plan, team.lead, what="history")
    html = page(portal_world)
    assert "<h1>Who looked at my record</h1>" in html
    assert "Morgan Physio" in html and "Physical therapist on your care team" in html
    assert "t.lead" in html and "Pain doctor leading your care team" in html
    assert "Your plan&#x27;s history of changes" in html
    assert html.index("t.lead") < html.index("Morgan Physio")  # newest first


def test_never_another_patients_views_nor_my_own_nor_dashboard_listings(portal_world):
    team = portal_world.team
    team.physio.first_name = "OnlyOther"
    team.physio.save()
    record_plan_view(portal_world.other_plan, team.physio)  # the other patient's plan
    client_for(portal_world.patient_user).get(reverse("patientportal:plan"))  # my own view
    record_event(
        team.lead, "viewed", None, detail={"what": "dashboard", "plans": [portal_world.plan.pk]}
    )
    html = page(portal_world)
    assert "OnlyOther" not in html and "OTHERPLAN" not in html
    assert "t.lead" not in html
    assert "No one at the clinic has opened your care plans yet." in html
    other = page(portal_world, portal_world.other_user)
    assert "OnlyOther" in other


def test_the_page_is_recorded_and_paginated_in_fixed_queries(portal_world):
    lead = portal_world.team.lead
    client = client_for(portal_world.patient_user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    record_plan_view(portal_world.plan, lead)
    count()  # warm caches (content types)
    small = count()
    for _ in range(30):
        record_plan_view(portal_world.plan, portal_world.team.mental_health)
    assert count() == small
    html = page(portal_world)
    assert "Page 1 of 2" in html and 'href="?page=2"' in html
    assert "Page 2 of 2" in page(portal_world, page="2")
    seen = AuditEvent.objects.filter(actor=portal_world.patient_user, detail__what="record views")
    assert seen.count() >= 3 and seen.first().patient_id == portal_world.patient.pk


def test_providers_and_strangers_get_no_such_page(portal_world):
    response = client_for(portal_world.team.lead).get(URL)
    assert response.status_code == 404
