"""/my/plan/: the patient's own plan in plain words, nothing more."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from audit.models import AuditEvent
from careteam.models import ActivityStatus, CarePlan, Discipline, Goal, GoalLifecycleStatus
from careteam.services import create_activity, create_goal
from patientportal.services.plan_view import DATE_PASSED
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db


def test_patient_sees_their_plan_in_plain_words(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert portal_world.plan.title in html
    assert "ALEX walk 30 minutes without a flare" in html
    assert "ALEX dead bug core hold" in html
    assert "Daily, 10 minutes" in html
    assert "ALEX paced breathing" in html
    assert "No deep or end-range stretching" in html
    assert "Your pain doctor" in html
    assert "Your physical therapist" in html
    assert "Get urgent help now" in html
    for secret in ("HIDDEN", "TEAM NOTE", "PRIVATE NOTE", "OTHER"):
        assert secret not in html
    assert AuditEvent.objects.filter(
        actor=portal_world.patient_user, action="viewed", care_plan_id=portal_world.plan.pk
    ).exists()


def test_patients_land_on_their_to_do_list_after_login(client, portal_world):
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("after-login"))
    assert response["Location"] == reverse("patientportal:home")


def test_a_patient_without_a_shared_plan_gets_a_calm_placeholder(client, portal_world):
    CarePlan.objects.filter(patient=portal_world.patient).update(status="draft")
    client.force_login(portal_world.patient_user)
    response = client.get(reverse("patientportal:plan"))
    assert response.status_code == 200
    assert b"has not shared a care plan with you yet" in response.content
    assert b"Get urgent help now" in response.content


def test_plan_page_lists_other_plans_and_opens_them(client, portal_world):
    second = CarePlan.objects.create(
        patient=portal_world.patient, title="Sleep plan", status="completed"
    )
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()
    assert reverse("patientportal:plan-detail", args=[second.pk]) in html
    detail = client.get(reverse("patientportal:plan-detail", args=[second.pk]))
    assert detail.status_code == 200
    assert b"Sleep plan" in detail.content


def add_activity(world, title, **fields):
    section = world.plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    return create_activity(section, world.lead, **{"kind": "appointment", "title": title, **fields})


def section_of(html: str, heading: str) -> str:
    """The page from the heading ``heading`` to the next heading of any level."""
    start = html.index(f">{heading}</h")
    following = re.search(r"<h[1-3][ >]", html[start:])
    return html[start : start + following.start()] if following else html[start:]


def test_coming_up_lists_future_dates_soonest_first_and_past_ones_stay_with_their_date(
    client, portal_world
):
    today = timezone.localdate()
    for title, days, status in (
        ("Past injection", -10, "scheduled"),
        ("Next review visit", 20, "not-started"),
        ("Nerve test", 3, "scheduled"),
        ("First assessment", -40, "completed"),
        ("Cancelled scan", 5, "cancelled"),
    ):
        add_activity(
            portal_world, title, scheduled_on=today + datetime.timedelta(days=days), status=status
        )
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()

    assert_accessible_page(html)
    coming_up = section_of(html, "Coming up")
    assert coming_up.index("Nerve test") < coming_up.index("Next review visit")
    assert "Past injection" not in coming_up and "Cancelled scan" not in coming_up
    earlier = section_of(html, "Past and finished")
    past = today - datetime.timedelta(days=10)
    assert (
        f"<strong>Past injection</strong> – {date_format(past, 'j F Y')}. {DATE_PASSED}." in earlier
    )
    assert "First assessment</strong>" in earlier and "Done." in earlier
    assert "Cancelled scan</strong>" in earlier and "Cancelled." in earlier
    assert earlier.index("Past injection") < earlier.index("First assessment")


def test_a_stopped_do_not_do_item_stays_among_the_patients_precautions(client, portal_world):
    section = portal_world.plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    stopped = create_activity(
        section,
        portal_world.team.physio,
        kind="exercise",
        title="Deep hamstring stretching",
        status="stopped",
        do_not_perform=True,
        instructions="Stretching further makes loose joints work harder.",
    )
    assert stopped.patient_sees
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()

    precautions = section_of(html, "Precautions: please follow these")
    assert "<strong>Do not do:</strong> Deep hamstring stretching. Stretching further" in (
        precautions
    )
    assert 'class="no-print"' not in precautions  # and so in the print too


def test_the_patient_sees_exactly_what_the_team_is_told_they_see(client, portal_world):
    """``patient_sees``, the rule the team's plan page shows, against the patient's page,
    for goals and activities of every status, marked visible or not."""
    section = portal_world.plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    physio = portal_world.team.physio
    items = []
    for visible in (True, False):
        for status in GoalLifecycleStatus.values:
            items.append(
                create_goal(
                    section,
                    physio,
                    description=f"Goal {status} {visible}",
                    lifecycle_status=status,
                    visible_to_patient=visible,
                )
            )
        for status in ActivityStatus.values:
            for kind in ("exercise", "appointment"):
                for do_not in (False, True):
                    items.append(
                        create_activity(
                            section,
                            physio,
                            kind=kind,
                            title=f"Activity {kind} {status} {do_not} {visible}",
                            status=status,
                            do_not_perform=do_not,
                            visible_to_patient=visible,
                            scheduled_on=datetime.date(2020, 1, 1) if do_not else None,
                        )
                    )
    client.force_login(portal_world.patient_user)
    html = client.get(reverse("patientportal:plan")).content.decode()
    shown = {str(item) for item in items if item.patient_sees}
    assert shown and len(shown) < len(items)
    client.force_login(portal_world.lead)
    team_html = client.get(reverse("careteam:plan-detail", args=[portal_world.plan.pk]))
    rows = re.findall(TOLD_PATIENT_SEES, team_html.content.decode(), re.S)
    told = {name.strip(): answer for name, answer in rows}
    for item in items:
        text = item.description if isinstance(item, Goal) else item.title
        assert (f"{text}<" in html or f"{text}." in html) == item.patient_sees, text
        assert told[text] == ("Yes" if item.patient_sees else "No"), text


# A row of the team's plan page: the item's name, then its "Patient sees it" cell.
TOLD_PATIENT_SEES = r"([^<>]+)</(?:th|td)>(?:(?!</tr>).)*?data-label=\"Patient sees it\">(Yes|No)<"


def test_my_asks_anonymous_visitors_to_log_in(client):
    # /my/ is the to-do list now (tests/test_patient_todo.py), no longer a redirect.
    response = client.get(reverse("patientportal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_red_flag_box_says_what_to_do_before_the_teams_own_advice(client, portal_world):
    plan = portal_world.plan
    plan.red_flag_guidance = "Ring the clinic if a flare lasts over two days."
    plan.save(update_fields=["red_flag_guidance"])
    client.force_login(portal_world.patient_user)

    html = client.get(reverse("patientportal:plan")).content.decode()

    box = html[html.index('id="red-flags-heading"') :]
    call_now = box.index("Call 999 or go to your nearest emergency department")
    assert call_now < box.index("Your team's advice for you") < box.index("Ring the clinic")
