"""From a provider's assignment to a red flag and back: the lead assigns an article that
conflicts with a precaution (confirming the warning) and invites the patient; the patient,
with the keyboard alone, accepts the invitation, sets a password, reads the plan and the
article (now marked read) and checks in with a red flag, and is told to get urgent help;
the lead sees the alert at the top of the plan and acknowledges it, saying what was done."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from careteam.models import ActivityKind, Discipline, Patient
from careteam.services import add_precaution, create_activity, create_goal
from tests.browser.checks import check_page, tab_to
from tests.patient_fixtures import activate_plan, contraindication
from tests.portal_fixtures import make_article

ARTICLE = "Gentle stretching for stiff backs"
GOAL = "Walk 30 minutes without a flare"
PASSWORD = "Slow-walks-by-the-river-2026"
RED_FLAG = "New numbness, tingling or weakness in one or both legs"
CHECK_IN_NOTE = "Left leg feels weak since this morning."


@pytest.fixture
def plan(care_team, site_tree):
    """An active plan with goals and exercises, a precaution against deep stretching, an
    article tagged with it, and the patient's email, but no portal login yet."""
    plan = activate_plan(care_team.plan)
    deep_stretching = contraindication("Deep stretching")
    add_precaution(
        plan, care_team.lead, description="No deep stretching", avoid_tag=deep_stretching
    )
    physio = care_team.physio
    exercises = plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    create_goal(exercises, physio, description=GOAL, measure="Minutes walked", target="30")
    create_activity(
        exercises,
        physio,
        kind=ActivityKind.EXERCISE,
        title="Dead bug core hold",
        schedule="Daily, 10 minutes",
        instructions="Slow and steady; stop before it hurts.",
    )
    create_goal(exercises, physio, description="Team-only goal", visible_to_patient=False)
    article = make_article(site_tree.articles, ARTICLE)
    article.contraindications.set([deep_stretching])
    article.save_revision().publish()  # parental M2M values are stored on publish
    Patient.objects.filter(pk=plan.patient_id).update(email="pat@example.com")
    plan.refresh_from_db()
    return plan


def follow(page: Page, link_name: str) -> None:
    """Reach the link with Tab and open it with Enter."""
    link = page.get_by_role("link", name=link_name, exact=True)
    href = link.get_attribute("href")
    tab_to(page, link)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == href)


def type_into(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def test_a_red_flag_reported_by_a_patient_reaches_the_lead_who_acknowledges_it(
    site, care_team, plan, shots
):
    plan_path = f"/care/plans/{plan.pk}/"
    lead = site.log_in(care_team.lead)
    lead.goto(plan_path)
    lead.get_by_role("button", name="Invite to the patient portal").click()
    expect(lead.get_by_text("Invitation sent to pat@example.com.")).to_be_visible()

    lead.get_by_role("link", name="Assign reading").click()
    check_page(lead)
    lead.get_by_label(ARTICLE).check()
    lead.get_by_label("Why you are suggesting it").fill("The gentle parts only, not the deep ones.")
    lead.get_by_role("button", name="Assign").click()
    warning = lead.get_by_role("alert").filter(has_text="conflicts with the patient's precautions")
    expect(warning).to_contain_text("Deep stretching")
    check_page(lead)
    lead.get_by_label("I have checked the precautions and still want to assign this page").check()
    lead.get_by_role("button", name="Assign").click()
    expect(lead.get_by_text(f"“{ARTICLE}” added to the patient's reading list.")).to_be_visible()

    (invitation,) = [message for message in mail.outbox if "/my/welcome/" in message.body]
    link = re.search(r"https?://[^/\s]+(/my/welcome/\S+/)", invitation.body).group(1)
    patient = site.new_page()
    patient.goto(link)
    expect(patient.get_by_role("heading", level=1)).to_have_text("Welcome, Pat")
    check_page(patient, shots, "welcome")
    type_into(patient, "New password", PASSWORD)
    type_into(patient, "New password confirmation", PASSWORD)
    patient.keyboard.press("Enter")
    patient.wait_for_url(re.compile("/my/$"))
    expect(patient.get_by_role("heading", level=1)).to_be_visible()
    check_page(patient, shots, "my-to-do")
    follow(patient, "My plan")
    expect(patient.get_by_role("main")).to_contain_text(GOAL)
    expect(patient.get_by_role("main")).not_to_contain_text("Team-only goal")
    check_page(patient, shots, "my-plan")

    follow(patient, "My reading")
    check_page(patient, shots, "my-reading")
    follow(patient, ARTICLE)
    expect(patient.get_by_role("heading", level=1)).to_have_text(ARTICLE)
    check_page(patient)
    follow(patient, "My reading")
    already_read = patient.get_by_role("region", name=re.compile("Already read"))
    expect(already_read).to_contain_text(ARTICLE)

    follow(patient, "Check-in")
    check_page(patient, shots, "check-in")
    tab_to(patient, patient.get_by_label("0 – no pain"))
    for _ in range(6):
        patient.keyboard.press("ArrowRight")
    expect(patient.get_by_label("6", exact=True)).to_be_checked()
    tab_to(patient, patient.get_by_label(RED_FLAG))
    patient.keyboard.press("Space")
    expect(patient.get_by_label(RED_FLAG)).to_be_checked()
    type_into(patient, "Anything else you want your team to know? (optional)", CHECK_IN_NOTE)
    tab_to(patient, patient.get_by_role("button", name="Save my check-in"))
    patient.keyboard.press("Enter")
    patient.wait_for_url(re.compile(r"/my/check-in/\d+/urgent/$"))
    urgent = patient.get_by_role("alert")
    expect(urgent.get_by_role("heading", level=1)).to_have_text("Get urgent medical help now")
    expect(urgent).to_contain_text(RED_FLAG)
    check_page(patient, shots, "urgent-advice")

    lead.goto(plan_path)
    acknowledge = lead.get_by_role("link", name=re.compile("^Acknowledge"))
    expect(acknowledge).to_be_in_viewport()  # at the top, where the lead cannot miss it
    check_page(lead, shots, "care-plan-alert")
    acknowledge.click()
    expect(lead.get_by_role("main")).to_contain_text(RED_FLAG)
    check_page(lead)
    lead.get_by_label("Called the patient").check()
    lead.get_by_label(re.compile("^Note")).fill("Sent to A&E; the team will review tomorrow.")
    lead.get_by_role("button", name="Acknowledge the alert").click()
    expect(lead.get_by_text("Alert acknowledged: Called the patient.")).to_be_visible()
    expect(acknowledge).to_have_count(0)
