"""The plan page as a clinician works from it: open red-flag alerts and the check-ins that
raised them first, what changed since my last visit, notes a page at a time, messages in
sight of where a change lands, and wide tables that scroll in keyboard-reachable regions."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, Discipline
from careteam.services import (
    add_precaution,
    add_private_note,
    add_team_note,
    create_goal,
    delete_goal,
    update_goal,
)
from careteam.views.plans import NOTES_PER_PAGE, OLDER_NOTES
from patientportal.models import ActivityOutcome, RedFlag, RedFlagAlert
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from tests.careteam_fixtures import UiTeam
from tests.page_checks import assert_accessible_page
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

CHECK_IN_NOTE = "Left leg feels weak since this morning and I nearly fell on the stairs."


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_page(client: Client, plan, **query) -> str:
    response = client.get(reverse("careteam:plan-detail", args=[plan.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def part(html: str, heading_id: str) -> str:
    """The HTML of the page's part (a <section>) whose heading has this id."""
    match = re.search(rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S)
    assert match, heading_id
    return match.group(1)


def red_flag_check_in(world, **answers):
    return record_check_in(
        world.patient,
        world.patient_user,
        pain_score=answers.pop("pain_score", 8),
        red_flags=[RedFlag.LEG_NUMBNESS_OR_WEAKNESS],
        **answers,
    )


def test_an_open_alert_and_the_check_in_that_raised_it_come_before_the_goals(client, portal_world):
    exercise = portal_world.plan.sections.get(
        discipline=Discipline.PHYSICAL_THERAPY
    ).activities.get(title="ALEX dead bug core hold")
    red_flag_check_in(
        portal_world,
        pain_score=9,
        note=CHECK_IN_NOTE,
        activity_outcomes={exercise.pk: ActivityOutcome.NOT_DONE},
    )
    alert = RedFlagAlert.objects.get(plan=portal_world.plan)
    client.force_login(portal_world.lead)
    html = plan_page(client, portal_world.plan)
    assert_accessible_page(html)

    alerts = html.index('id="red-flag-alerts"')
    note = html.index(escape(CHECK_IN_NOTE))
    acknowledge = html.index(
        reverse("patientportal_team:acknowledge-alert", args=[portal_world.plan.pk, alert.pk])
    )
    overview = html.index('id="overview"')
    goals = html.index("ALEX walk 30 minutes without a flare")
    assert html.index("<h1") < alerts < note < acknowledge < overview < goals
    shown = html[alerts:overview]
    assert "New numbness, tingling or weakness in one or both legs" in shown
    assert "9 out of 10" in shown
    assert "ALEX dead bug core hold: not done" in shown
    assert '<a href="#red-flag-alerts">Red-flag alerts</a>' in html  # in the contents
    # Once acknowledged, nothing waits at the top any more.
    RedFlagAlert.objects.filter(pk=alert.pk).update(acknowledged_at=alert.created_at)
    html = plan_page(client, portal_world.plan)
    assert 'id="red-flag-alerts"' not in html and "#red-flag-alerts" not in html


def test_the_plan_page_query_count_does_not_grow_with_open_alerts(client, portal_world):
    client.force_login(portal_world.lead)
    url = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    red_flag_check_in(portal_world, note="First")
    client.get(url)  # warm caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for number in range(4):
        red_flag_check_in(portal_world, note=f"Again {number}")
    assert queries() == one


def test_the_contents_link_to_every_part_of_the_page(ui_team: UiTeam):
    html = plan_page(client_for(ui_team.team.mental_health), ui_team.plan)
    contents = html[html.index('id="contents-heading"') : html.index('id="overview"')]
    anchors = re.findall(r'<a href="#([^"]+)">', contents)
    for section in ui_team.plan.sections.all():
        assert f"section-{section.pk}" in anchors
    for anchor in ("overview", "since-last-visit", "precautions", "disciplines", "team"):
        assert anchor in anchors
    assert {"team-notes", "private-notes", "history"} <= set(anchors)
    for anchor in anchors:
        assert f'id="{anchor}"' in html, anchor
    lead_html = plan_page(client_for(ui_team.team.lead), ui_team.plan)
    assert "#private-notes" not in lead_html  # the lead reads no psychotherapy notes


def test_a_plan_without_summary_or_red_flag_advice_says_so_instead_of_empty_boxes(
    ui_team: UiTeam,
):
    CarePlan.objects.filter(pk=ui_team.plan.pk).update(patient_summary="", red_flag_guidance="")
    html = plan_page(client_for(ui_team.team.lead), ui_team.plan)
    assert "No summary yet." in html
    assert "No red-flag guidance written yet." in html
    assert "<p></p>" not in html


def test_notes_page_two_shows_older_notes_and_a_page_holds_at_most_twenty(ui_team: UiTeam):
    for number in range(45):
        add_team_note(ui_team.plan, ui_team.team.lead, f"Bulk note {number:02d}.")
    client = client_for(ui_team.team.lead)
    first = part(plan_page(client, ui_team.plan), "team-notes")
    assert first.count('class="careteam-note"') == NOTES_PER_PAGE == 20
    assert "Bulk note 44." in first and "Bulk note 25." in first
    assert "Bulk note 24." not in first
    assert 'href="?notes_page=2#team-notes" rel="next"' in first
    assert "Page 1 of 3" in first

    second = part(plan_page(client, ui_team.plan, notes_page=2), "team-notes")
    assert second.count('class="careteam-note"') == 20
    assert "Bulk note 24." in second and "Bulk note 05." in second
    assert "Bulk note 25." not in second and "Bulk note 04." not in second
    assert 'href="?notes_page=1#team-notes" rel="prev"' in second
    assert "Older notes: page 2 of 3." in second and "Older notes" not in first

    third = part(plan_page(client, ui_team.plan, notes_page=3), "team-notes")
    assert third.count('class="careteam-note"') == 6  # 45 + the fixture's note
    assert escape(ui_team.team_note.body) in third
    # Junk and out-of-range pages fall back to a real page.
    assert "Page 1 of 3" in part(plan_page(client, ui_team.plan, notes_page="x"), "team-notes")
    assert "Page 3 of 3" in part(plan_page(client, ui_team.plan, notes_page=99), "team-notes")


def test_psychotherapy_notes_open_on_their_own_page_a_page_at_a_time(ui_team: UiTeam):
    for number in range(NOTES_PER_PAGE + 1):
        add_private_note(ui_team.plan, ui_team.team.mental_health, f"Session note {number}.")
    client = client_for(ui_team.team.mental_health)
    plan_html = plan_page(client, ui_team.plan)
    private_part = plan_html[plan_html.index('id="private-notes"') :]
    notes_url = reverse("careteam:private-notes", args=[ui_team.plan.pk])
    assert f'href="{notes_url}"' in private_part
    assert "Session note" not in plan_html  # never on screen by accident

    first = client.get(notes_url).content.decode()
    assert first.count('class="careteam-note"') == NOTES_PER_PAGE
    assert "Session note 20." in first and "Session note 0." not in first
    second = client.get(notes_url, {"page": 2}).content.decode()
    assert "Session note 0." in second
    assert escape(ui_team.private_note.body) in second
    assert "Older notes: page 2 of 2." in second


def test_the_plan_page_query_count_does_not_depend_on_the_number_of_notes(ui_team: UiTeam):
    client = client_for(ui_team.team.mental_health)
    url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    client.get(url)  # warm caches

    def queries(**query) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, query).status_code == 200
        return len(captured)

    few = queries()
    for number in range(3 * NOTES_PER_PAGE):
        add_team_note(ui_team.plan, ui_team.team.lead, f"Team note {number}.")
    assert queries() == few
    assert queries(notes_page=3) == few


def test_changed_since_your_last_visit_lists_a_change_made_after_my_previous_view(
    ui_team: UiTeam,
):
    lead = client_for(ui_team.team.lead)
    first = part(plan_page(lead, ui_team.plan), "since-last-visit")
    assert "This is your first visit to this plan." in first
    section = ui_team.team.section(Discipline.PHYSICAL_THERAPY)
    create_goal(section, ui_team.team.physio, description="Stand on one leg for 20 seconds")
    add_precaution(ui_team.plan, ui_team.team.lead, description="My own change")

    since = part(plan_page(lead, ui_team.plan), "since-last-visit")
    assert "Your last visit was on" in since
    assert "Stand on one leg for 20 seconds" in since
    assert "My own change" not in since  # what I changed myself I know about
    # Paging through older notes is no new visit: the change is still listed.
    for number in range(NOTES_PER_PAGE + 1):
        add_team_note(ui_team.plan, ui_team.team.lead, f"Team note {number}.")
    paged = part(plan_page(lead, ui_team.plan, notes_page=2), "since-last-visit")
    assert "Stand on one leg for 20 seconds" in paged
    assert AuditEvent.objects.filter(
        actor=ui_team.team.lead, action=AuditAction.VIEWED, detail__what=OLDER_NOTES
    ).exists()

    again = part(plan_page(lead, ui_team.plan), "since-last-visit")
    assert "Stand on one leg for 20 seconds" not in again
    assert "Nobody else has changed the plan since then." in again


def test_a_note_added_lands_on_the_notes_with_its_message_under_their_heading(
    ui_team: UiTeam,
):
    client = client_for(ui_team.team.physio)
    url = reverse("careteam:team-note-create", args=[ui_team.plan.pk])
    response = client.post(url, {"body": "Walked to the shop today."})
    plan_url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    assert response["Location"] == f"{plan_url}#team-notes"
    html = client.get(response["Location"]).content.decode()
    assert_accessible_page(html)
    main = html[html.index("<main") : html.index("</main>")]
    heading = main.index('id="team-notes"')
    message = main.index("Your note is added for the team.")
    note = main.index("Walked to the shop today.")
    assert heading < message < note
    assert html.count("Your note is added for the team.") == 1
    assert 'role="status"' in main[heading:message]


def test_a_message_without_a_part_of_the_page_shows_in_main_before_the_heading(
    ui_team: UiTeam,
):
    client = client_for(ui_team.team.lead)
    plan = ui_team.plan
    form = {
        "title": plan.title,
        "status": plan.status,
        "conditions": plan.conditions,
        "patient_summary": "Walk a little more each week.",
        "red_flag_guidance": plan.red_flag_guidance,
        "version": plan.version,
    }
    response = client.post(reverse("careteam:plan-edit", args=[plan.pk]), form, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("careteam:plan-detail", args=[plan.pk])
    main = html.index('<main id="main"')
    message = html.index("The plan is saved.")
    assert main < message < html.index("<h1") < html.index("</main>")
    assert html.count("The plan is saved.") == 1


def test_messages_on_any_page_render_inside_main_before_its_heading(ui_team: UiTeam):
    client = client_for(ui_team.team.lead)
    patient = {
        "given_name": "Robin",
        "family_name": "Message",
        "date_of_birth": "1980-02-03",
        "record_number": "M-0001",
        "email": "",
    }
    response = client.post(reverse("careteam:patient-create"), patient, follow=True)
    assert response.redirect_chain[-1][0] == reverse("careteam:plan-create")
    html = response.content.decode()
    assert_accessible_page(html)
    message = html.index("Robin Message is registered. Now start their plan.")
    assert html.index('<main id="main"') < message < html.index("<h1") < html.index("</main>")
    assert 'role="status"' in html[html.index('<main id="main"') : message]


def test_every_wide_table_scrolls_in_a_named_focusable_region(client, portal_world, site_tree):
    page = make_article(site_tree.articles, "Pacing basics")
    assign_reading(portal_world.plan, portal_world.lead, page, note="For the diary")
    red_flag_check_in(portal_world, note=CHECK_IN_NOTE)
    client.force_login(portal_world.lead)
    plan = portal_world.plan
    urls = [
        reverse("careteam:plan-detail", args=[plan.pk]),
        reverse("careteam:plan-history", args=[plan.pk]),
        reverse("careteam:plan-audit", args=[plan.pk]),
        reverse("careteam:dashboard"),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert_accessible_page(html)  # every table-scroll: role="region", tabindex, a name
        assert 'class="table-scroll" role="region"' in html, url
    html = client.get(urls[0]).content.decode()
    reading = '<div class="table-scroll" role="region" aria-label="Assigned reading" tabindex="0">'
    assert reading in html and "Helped?" in html[html.index(reading) :]


def test_a_sections_tables_are_drawn_again_when_a_goal_or_activity_changes(ui_team: UiTeam):
    """The goal and activity tables are kept drawn between views (keyed by what they show):
    every change, removal and the reader's right to edit shows at once."""
    physio, lead = ui_team.team.physio, ui_team.team.lead
    section = ui_team.goal.section
    anchor = f"section-{section.pk}"

    def section_html(user) -> str:
        html = plan_page(client_for(user), ui_team.plan)
        start = html.index(f'<section id="{anchor}"')
        return html[start : html.index("</section>", start)]

    old_description = ui_team.goal.description
    assert escape(old_description) in section_html(physio)
    goal = update_goal(
        ui_team.goal, physio, ui_team.goal.version, description="Hold a side plank for 30 s"
    )
    changed = section_html(physio)
    assert "Hold a side plank for 30 s" in changed
    assert escape(old_description) not in changed

    added = create_goal(section, physio, description="Walk 10 minutes after lunch")
    assert "Walk 10 minutes after lunch" in section_html(physio)
    delete_goal(added, physio, added.version)
    assert "Walk 10 minutes after lunch" not in section_html(physio)

    # The same tables drawn for someone who may not edit them carry no edit links.
    edit_url = reverse("careteam:goal-edit", args=[ui_team.plan.pk, goal.pk])
    assert edit_url in section_html(physio)
    assert edit_url not in section_html(ui_team.team.mental_health)
    assert "Hold a side plank for 30 s" in section_html(lead)


def test_history_and_notes_kept_drawn_still_show_a_renamed_member_by_their_new_name(
    ui_team: UiTeam,
):
    add_precaution(ui_team.plan, ui_team.team.lead, description="No end-range stretching")
    add_team_note(ui_team.plan, ui_team.team.lead, "Reviewed the stability programme.")
    lead = client_for(ui_team.team.lead)
    page = plan_page(lead, ui_team.plan)
    for heading in ("history", "team-notes"):
        assert ui_team.team.lead.get_full_name() in part(page, heading)
    assert "No end-range stretching" in part(page, "history")
    assert "Reviewed the stability programme." in part(page, "team-notes")
    ui_team.team.lead.last_name = "Okonkwo-Lee"
    ui_team.team.lead.save(update_fields=["last_name"])
    again = plan_page(lead, ui_team.plan)
    for heading in ("history", "team-notes"):
        assert "Okonkwo-Lee" in part(again, heading), heading
