"""The small things a visitor notices: page titles name the clinic (never the host), a
favicon, one emergency number everywhere, staff pages without the patient footer, and email
subjects that read as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core import mail
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from careteam.models import Patient
from patientportal.services.logins import invite_patient
from tests.patient_fixtures import activate_plan

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PROJECT_APPS = ("core", "portal", "careteam", "patientportal", "accounts", "mfa", "audit")
CALL_A_NUMBER = re.compile(r"\b[Cc]all (\d{3})\b")


def project_templates(pattern: str = "*.html") -> list[Path]:
    return [path for app in PROJECT_APPS for path in (ROOT / app / "templates").rglob(pattern)]


def test_the_login_page_title_names_the_clinic_not_the_host(client):
    html = client.get(reverse("login")).content.decode()
    assert "<title>Log in | Northbridge Spine &amp; Pain Clinic</title>" in html
    assert "testserver" not in re.search(r"<title>(.*?)</title>", html).group(1)


def test_every_page_links_a_favicon_that_exists(client):
    html = client.get(reverse("login")).content.decode()
    link = re.search(r'<link rel="icon" href="/static/([^"]+)"', html)
    assert link is not None
    assert finders.find(link.group(1))
    assert client.get(f"/static/{link.group(1)}").status_code == 200


@override_settings(CLINIC_EMERGENCY_NUMBER="112")
def test_the_footer_and_the_error_pages_take_the_emergency_number_from_one_setting(client):
    footer = client.get(reverse("login")).content.decode().split('class="site-footer"')[1]
    assert "call 112 or go to your nearest emergency department" in footer
    assert "999" not in footer
    error_page = render_to_string("500.html")
    assert "Call 112 or go" in error_page and "999" not in error_page


def test_every_template_that_spells_out_the_emergency_number_gives_the_clinics():
    numbers = {
        (path.relative_to(ROOT).as_posix(), number)
        for path in project_templates("*.html") + project_templates("*.txt")
        for number in CALL_A_NUMBER.findall(path.read_text(encoding="utf-8"))
        if number != settings.CLINIC_EMERGENCY_NUMBER
    }
    assert numbers == set()


def test_staff_pages_carry_a_staff_footer_instead_of_patient_advice(client, care_team):
    client.force_login(care_team.lead)
    html = client.get(reverse("careteam:dashboard")).content.decode()
    footer = html.split('class="site-footer"')[1]
    assert "pages for the clinic's staff" in footer
    assert "emergency department" not in footer
    assert "does not replace advice from your own care team" not in footer


def test_public_pages_keep_the_patient_footer(client):
    footer = client.get(reverse("login")).content.decode().split('class="site-footer"')[1]
    assert "emergency department" in footer


def test_email_subject_templates_turn_autoescaping_off():
    for path in project_templates("*_subject.txt"):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("{% autoescape off %}"), path


def test_the_invitation_email_subject_reads_the_clinics_name_as_written(
    care_team, django_capture_on_commit_callbacks
):
    plan = activate_plan(care_team.plan)
    Patient.objects.filter(pk=plan.patient_id).update(email="pat@example.com")
    plan.patient.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        invite_patient(plan, care_team.lead)
    (message,) = mail.outbox
    assert message.subject == "Your Northbridge Spine & Pain Clinic patient portal login"
    assert "&amp;" not in message.body
