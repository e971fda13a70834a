"""The home exercise programme in a browser: the patient's pages and the team's pass
axe-core, and the handout prints on one or two A4 pages with the red-flag advice, the
doses and no screen-only controls."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from pypdf import PdfReader

from careteam.models import CarePlan
from core.demo_users import demo_password
from exercises.demo import seed_exercises
from tests.browser.checks import check_page
from tests.patient_fixtures import seed_demo_patients


def test_the_demo_programme_prints_on_at_most_two_a4_pages_and_its_pages_are_accessible(
    site, site_tree
):
    seed_demo_patients(site_tree.articles)
    seed_exercises(io.StringIO())
    users = get_user_model().objects
    patient = site.log_in(users.get(username="alex"), demo_password())
    for path in ("/my/programme/", "/my/programme/log/"):
        patient.goto(path)
        check_page(patient)

    patient.goto("/my/programme/print/")
    patient.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(patient.pdf(format="A4", print_background=True)))
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert 1 <= len(pdf.pages) <= 2, f"{len(pdf.pages)} pages:\n{text}"
    assert "Get urgent help now" in text and "999" in text
    assert "3 sets of 8, hold 5 seconds" in text
    assert "Back to my exercises" not in text

    plan = CarePlan.objects.get(patient__user__username="alex")
    therapist = site.log_in(users.get(username="pt.morgan"), demo_password())
    for path in (f"/care/plans/{plan.pk}/programme/", f"/care/plans/{plan.pk}/programme/add/"):
        therapist.goto(path)
        check_page(therapist)
