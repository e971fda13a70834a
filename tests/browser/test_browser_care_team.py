"""A lead physician registers a patient, starts their plan and builds the team in the
browser; each member then works in their own part of it and no further."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.checks import check_page

SUMMARY = "Build strength slowly; keep moving every day."
GOAL = "Walk to the shops and back without a flare"
ADDED_TO_TEAM = "The provider is on the team and can open the plan now."
PRIVATE_NOTE = "Worried about losing work; fear of bending is easing."


def add_to_team(page: Page, username: str, role: str) -> None:
    form = page.get_by_role("form", name="Add a provider")
    form.get_by_label("Provider's username or email").fill(username)
    form.get_by_label("Role on this team").select_option(label=role)
    form.get_by_role("button", name="Add to team").click()
    # The page after the redirect is the first to name them (the same message ends each).
    expect(page.get_by_role("main")).to_contain_text(username)
    expect(page.get_by_text(ADDED_TO_TEAM)).to_be_visible()


def open_plan_from_dashboard(page: Page, title: str) -> None:
    page.goto("/care/")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_a_lead_starts_a_plan_and_each_member_works_only_in_their_own_part(site, care_team):
    lead_user, physio, mind = care_team.spare_physician, care_team.physio, care_team.mental_health

    lead = site.log_in(lead_user)
    expect(lead).to_have_url(re.compile("/care/$"))
    check_page(lead)
    lead.get_by_role("link", name="Register a patient").click()
    check_page(lead)
    lead.get_by_label("Given name").fill("Noor")
    lead.get_by_label("Family name").fill("Newfield")
    lead.get_by_label("Date of birth").fill("1988-04-12")
    lead.get_by_label("Record number").fill("N-0042")
    lead.get_by_role("button", name="Register patient").click()

    expect(lead.get_by_role("heading", level=1)).to_have_text("Start a care plan")
    expect(lead.get_by_label("Patient's record number")).to_have_value("N-0042")
    check_page(lead)
    lead.get_by_label("Title").fill("Back to work")
    lead.get_by_label("Patient summary").fill(SUMMARY)
    lead.get_by_role("button", name="Start plan").click()
    expect(lead.get_by_text("The care plan is started and you lead its team.")).to_be_visible()
    plan_url = lead.url
    add_to_team(lead, physio.username, "Physical therapy")
    add_to_team(lead, mind.username, "Mental health")
    check_page(lead)

    therapist = site.log_in(physio)
    open_plan_from_dashboard(therapist, "Back to work")
    expect(therapist.get_by_role("link", name="Edit plan")).to_have_count(0)
    therapist.get_by_role("link", name="Add a goal to Physical therapy").click()
    check_page(therapist)
    therapist.get_by_label("Description").fill(GOAL)
    therapist.get_by_label("Target").fill("20 minutes")
    therapist.get_by_role("button", name="Add goal").click()
    expect(therapist.get_by_role("main")).to_contain_text(GOAL)
    expect(therapist.get_by_role("link", name="Add a goal to Pain management")).to_have_count(0)
    refused = therapist.goto(plan_url + "edit/")
    assert refused is not None and refused.status == 403
    expect(therapist.get_by_role("alert")).to_be_visible()
    check_page(therapist)

    counsellor = site.log_in(mind)
    open_plan_from_dashboard(counsellor, "Back to work")
    counsellor.get_by_role("link", name="Open the psychotherapy notes").click()
    expect(counsellor.get_by_role("heading", level=1)).to_have_text("Psychotherapy notes")
    counsellor.get_by_label("New private note").fill(PRIVATE_NOTE)
    counsellor.get_by_role("button", name="Add private note").click()
    expect(counsellor.get_by_text("Your private note is saved.")).to_be_visible()
    expect(counsellor.get_by_role("main")).to_contain_text(PRIVATE_NOTE)
    check_page(counsellor)

    lead.goto(plan_url)
    expect(lead.get_by_role("main")).to_contain_text(GOAL)
    expect(lead.get_by_role("main")).not_to_contain_text(PRIVATE_NOTE)
    refused = lead.goto(plan_url + "private-notes/")
    assert refused is not None and refused.status == 403
    expect(lead.get_by_role("main")).not_to_contain_text(PRIVATE_NOTE)

    for link, heading in (("Full history", "Plan history"), ("Audit trail", "Audit trail")):
        lead.goto(plan_url)
        lead.get_by_role("link", name=link, exact=True).click()
        expect(lead.get_by_role("heading", level=1)).to_have_text(heading)
        expect(lead.get_by_role("main")).to_contain_text(GOAL)
        check_page(lead)
