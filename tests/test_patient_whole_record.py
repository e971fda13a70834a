"""The patient's own copy of their whole record, from /my/: a readable page to print, and
a FHIR Bundle file for a health app. Both hold what the patient may read and nothing the
team keeps to itself, and each download is audited."""

from __future__ import annotations

import pytest
from django.test import Client

from audit.models import AuditAction, AuditEvent
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.whole_record import WHOLE_RECORD
from tests.page_checks import assert_accessible_page
from tests.portal_fixtures import make_article

pytest_plugins = ["tests.fhir_fixtures"]

pytestmark = pytest.mark.django_db


def patient_client(world) -> Client:
    client = Client()
    client.force_login(world.portal.patient_user)
    return client


def test_the_readable_record_holds_the_plan_check_ins_questionnaires_and_reading(fhir_world):
    client = patient_client(fhir_world)

    response = client.get("/my/record/")

    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert fhir_world.plan.title in html and "ALEX walk 30 minutes" in html
    assert "No deep or end-range stretching" in html
    assert "How back pain affects daily life (ODI)" in html and "My check-ins" in html
    assert "40 out of 100 (lower is better)" in html
    for secret in ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE", "OTHER"):
        assert secret not in html
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert event.detail == {"what": WHOLE_RECORD, "form": "page"}
    assert event.patient_id == fhir_world.plan.patient_id


def test_the_fhir_download_is_a_valid_r4b_bundle_of_the_patients_own_record(fhir_world, fhir):
    client = patient_client(fhir_world)

    response = client.get("/my/record/fhir/")

    assert response["Content-Disposition"].startswith("attachment;")
    bundle = fhir.valid(response)
    assert bundle["type"] == "collection"
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"Patient", "CarePlan", "CareTeam", "Goal", "Observation"} <= kinds
    assert "QuestionnaireResponse" in kinds
    text = response.content.decode()
    for secret in ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE", "OTHER"):
        assert secret not in text
    patients = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert len(patients) == 1
    event = AuditEvent.objects.filter(action=AuditAction.VIEWED).latest("pk")
    assert event.detail == {"what": WHOLE_RECORD, "form": "fhir"}


def test_assigned_reading_comes_as_a_document_reference_with_its_link(fhir_world, fhir, site_tree):
    article = make_article(site_tree.articles, "Pacing on good days")
    assign_reading(fhir_world.plan, fhir_world.portal.lead, article, note="Read before Friday")

    bundle = fhir.valid(patient_client(fhir_world).get("/my/record/fhir/"))

    readings = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "DocumentReference"
    ]
    assert [r["content"][0]["attachment"]["title"] for r in readings] == ["Pacing on good days"]
    assert readings[0]["content"][0]["attachment"]["url"].endswith(article.url)
    assert "Read before Friday" in readings[0]["description"]


def test_only_a_patient_downloads_a_record_and_anonymous_callers_log_in_first(fhir_world):
    provider = Client()
    provider.force_login(fhir_world.portal.lead)
    assert provider.get("/my/record/").status_code == 404
    assert provider.get("/my/record/fhir/").status_code == 404
    assert Client().get("/my/record/fhir/").status_code == 302
