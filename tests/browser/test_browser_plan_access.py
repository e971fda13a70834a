"""Two providers on one plan, each in a browser of their own: a member the lead removes gets
nothing of the plan on the next reload, and two edits of one goal never overwrite each
other (the second gets the conflict page, 409)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.checks import check_page
from tests.careteam_fixtures import GOAL_TEXT, PLAN_SECRETS


def plan_path(plan) -> str:
    return f"/care/plans/{plan.pk}/"


def back_on_the_plan(page: Page, plan) -> None:
    """Wait for the redirect to the plan page (an anchor on it, at most)."""
    page.wait_for_url(re.compile(re.escape(plan_path(plan)) + r"(#[\w-]*)?$"))


def test_a_member_the_lead_removes_gets_no_data_when_they_reload_the_plan(site, ui_team, shots):
    plan, lead, physio = ui_team.plan, ui_team.team.lead, ui_team.team.physio
    therapist = site.log_in(physio)
    therapist.goto(plan_path(plan))
    expect(therapist.get_by_role("heading", level=1)).to_contain_text(plan.title)
    expect(therapist.get_by_role("main")).to_contain_text(GOAL_TEXT)

    lead_page = site.log_in(lead)
    check_page(lead_page, shots, "care-dashboard")
    lead_page.get_by_role("link", name=plan.title).click()
    check_page(lead_page, shots, "care-plan-page")
    lead_page.get_by_role("link", name=f"Remove {physio.username}").click()
    expect(lead_page.get_by_role("heading", level=1)).to_have_text(
        f"Remove {physio.username} from the team"
    )
    check_page(lead_page)
    lead_page.get_by_role("button", name="Remove from team").click()
    back_on_the_plan(lead_page, plan)
    expect(lead_page.get_by_text(f"{physio.username} is no longer on the team.")).to_be_visible()

    response = therapist.reload()
    assert response is not None and response.status == 404
    check_page(therapist)
    page_text = therapist.content()
    assert [secret for secret in PLAN_SECRETS if secret in page_text] == []

    therapist.goto("/care/")
    check_page(therapist)
    expect(therapist.get_by_role("link", name=re.compile(plan.title))).to_have_count(0)


def test_the_second_of_two_edits_of_a_goal_gets_the_conflict_page_and_nothing_is_lost(
    site, ui_team
):
    plan, goal = ui_team.plan, ui_team.goal
    edit_path = f"/care/plans/{plan.pk}/goals/{goal.pk}/edit/"
    therapist = site.log_in(ui_team.team.physio)
    lead = site.log_in(ui_team.team.lead)
    therapist.goto(edit_path)
    lead.goto(edit_path)
    check_page(lead)

    therapist.get_by_label("Target").fill("40 minutes")
    therapist.get_by_role("button", name="Save goal").click()
    back_on_the_plan(therapist, plan)

    lead.get_by_label("Description").fill("Walk 45 minutes on flat ground.")
    with lead.expect_response(re.compile(re.escape(edit_path))) as answer:
        lead.get_by_role("button", name="Save goal").click()
    assert answer.value.status == 409
    alert = lead.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved first")
    expect(alert.get_by_role("table")).to_contain_text("40 minutes")
    expect(lead.get_by_label("Description")).to_have_value("Walk 45 minutes on flat ground.")
    check_page(lead)

    therapist.reload()
    expect(therapist.get_by_role("main")).to_contain_text(GOAL_TEXT)
    expect(therapist.get_by_role("main")).to_contain_text("40 minutes")

    lead.get_by_label("Target").fill("40 minutes")
    lead.get_by_role("button", name="Save goal").click()
    back_on_the_plan(lead, plan)
    expect(lead.get_by_role("main")).to_contain_text("Walk 45 minutes on flat ground.")
    with site.database():
        goal.refresh_from_db()
    assert (goal.description, goal.target) == ("Walk 45 minutes on flat ground.", "40 minutes")
