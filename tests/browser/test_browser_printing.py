"""Paper: the patient's plan prints as the one-page handout its stylesheet promises, with
the demo's fullest patient, and with nothing on it that only works on a screen."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from pypdf import PdfReader

from core.demo_users import demo_password
from tests.patient_fixtures import seed_demo_patients


def test_the_demo_patients_plan_prints_on_one_a4_page_with_the_red_flag_advice(site, site_tree):
    seed_demo_patients(site_tree.articles)
    alex = get_user_model().objects.get(username="alex")
    patient = site.log_in(alex, demo_password())
    patient.goto("/my/plan/")
    patient.emulate_media(media="print")

    pdf = PdfReader(io.BytesIO(patient.pdf(format="A4", print_background=True)))
    text = "\n".join(page.extract_text() for page in pdf.pages)

    assert len(pdf.pages) == 1, f"{len(pdf.pages)} pages:\n{text}"
    assert "Get urgent help now" in text and "999" in text
    assert "Check in: how are you today?" not in text
