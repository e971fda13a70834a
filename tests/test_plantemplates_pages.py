"""/care/templates/: the page a physician starts a plan from a template on. Who reaches it,
what a good and a bad submission answer, and a query count that does not grow with the
number or the size of the templates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan
from careteam.policy import PatientAction, refusal
from plantemplates.forms import NOT_PUBLISHED
from plantemplates.models import TemplateUse
from tests.careteam_domain_fixtures import make_user
from tests.plantemplate_fixtures import GOAL_TEXT, PRECAUTION_TEXT, make_plan_template

pytestmark = pytest.mark.django_db

URL = "/care/templates/"


def post_for(world, **changes) -> dict:
    return {
        "template": str(world.template.pk),
        "record_number": world.team.plan.patient.record_number.lower(),
        "title": "",
        "status": "active",
        "period_start": "2026-03-02",
        **changes,
    }


def test_the_page_lives_at_care_templates():
    assert reverse("plantemplates:start") == URL


def test_the_dashboard_and_the_start_a_plan_page_offer_the_templates(client, template_world):
    client.force_login(template_world.team.lead)
    for page in ("careteam:dashboard", "careteam:plan-create"):
        html = client.get(reverse(page)).content.decode()
        assert f'href="{URL}"' in html, page
    # Those who may not start plans are not offered it.
    client.force_login(template_world.team.physio)
    assert f'href="{URL}"' not in client.get(reverse("careteam:dashboard")).content.decode()


def test_the_lead_sees_each_published_template_and_what_it_holds(client, template_world):
    make_plan_template("A draft nobody published").unpublish()
    client.force_login(template_world.team.lead)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert template_world.template.title in html
    assert GOAL_TEXT in html and PRECAUTION_TEXT in html
    assert template_world.clashing_page.title in html  # the suggested reading, by title
    assert "Pain, Enjoyment and General activity" in html or "PEG" in html
    assert "A draft nobody published" not in html
    assert f'name="template" id="id_template_{template_world.template.pk}"' in html


def test_starting_a_plan_from_a_template_leads_to_the_new_plan(client, template_world):
    client.force_login(template_world.team.lead)
    response = client.post(URL, post_for(template_world))
    use = TemplateUse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("careteam:plan-detail", args=[use.plan_id])
    page = client.get(response["Location"]).content.decode()
    assert "started from “Stability first (test)”" in page
    assert GOAL_TEXT in page


@pytest.mark.parametrize("who", ["physio", "contributor"])
def test_providers_who_may_not_start_plans_are_refused_the_page(client, template_world, who):
    client.force_login(getattr(template_world.team, who))
    for response in (client.get(URL), client.post(URL, post_for(template_world))):
        assert response.status_code == 403
        assert template_world.template.title not in response.content.decode()
    assert not TemplateUse.objects.exists()


def test_a_patient_and_an_editor_do_not_find_the_page(client, template_world):
    for user in (make_user("tpl.patient"), make_user("tpl.editor", is_staff=True)):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, post_for(template_world)).status_code == 404
    assert not TemplateUse.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, template_world):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_physician_who_does_not_care_for_the_patient_reads_the_start_plan_sentence(
    client, template_world
):
    spare = template_world.team.spare_physician
    client.force_login(spare)
    response = client.post(URL, post_for(template_world))
    assert response.status_code == 400
    assert escape(refusal(PatientAction.START_PLAN)) in response.content.decode()
    assert AuditEvent.objects.filter(actor=spare, action=AuditAction.DENIED).exists()
    assert template_world.team.plan.patient.care_plans.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"template": "999999"}, NOT_PUBLISHED),
        ({"template": "not-a-number"}, NOT_PUBLISHED),
        ({"template": ""}, "Choose a template."),
        ({"record_number": ""}, "This field is required."),
        ({"status": "completed"}, "Select a valid choice."),
        ({"period_start": "9999-12-31"}, "Choose a start date within ten years of today."),
        ({"period_start": "31/02/2026"}, "Enter a valid date."),
        ({"title": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_bad_input_is_a_400_with_a_clear_message(client, template_world, changes, message):
    client.force_login(template_world.team.lead)
    response = client.post(URL, post_for(template_world, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CarePlan.objects.count() == 1


def test_an_unpublished_template_is_refused_with_a_clear_message(client, template_world):
    template_world.template.unpublish()
    client.force_login(template_world.team.lead)
    response = client.post(URL, post_for(template_world))
    assert response.status_code == 400
    assert "No template is published yet." in response.content.decode()
    assert not TemplateUse.objects.exists()


def queries_for_page(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_number_and_size_of_templates(
    client, template_world, site_tree
):
    client.force_login(template_world.team.lead)
    queries_for_page(client)  # warm up what the first request reads once
    one = queries_for_page(client)
    pages = [template_world.safe_page, template_world.clashing_page]
    for n in range(3):
        make_plan_template(f"Bigger template {n}", pages=pages, extra_goals=5)
    assert queries_for_page(client) == one
    assert one <= 12


def test_a_nul_in_any_field_is_refused_before_the_view(client, template_world):
    client.force_login(template_world.team.lead)
    for name in ("template", "record_number", "title", "status", "period_start"):
        response = client.post(URL, post_for(template_world, **{name: "a\x00b"}))
        assert response.status_code == 400, name
    assert not TemplateUse.objects.exists()
