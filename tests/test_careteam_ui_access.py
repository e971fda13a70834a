"""Who sees what on the provider UI beyond the matrix: private notes, edit controls, team
changes taking effect at once, and where people land after logging in."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from careteam.models import CareTeamMembership, Goal, TeamRole
from careteam.services import create_goal
from tests.careteam_fixtures import PRIVATE_NOTE_TEXT, TEAM_NOTE_TEXT, UiTeam, add_plans
from tests.mfa_fixtures import recently_authenticated

PRIVATE_LABEL = "Psychotherapy notes — visible only to mental-health members of this team"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def plan_pages(ui: UiTeam) -> list[str]:
    plan_id = ui.plan.pk
    pages = [
        reverse("careteam:dashboard"),
        reverse("careteam:plan-detail", args=[plan_id]),
        reverse("careteam:plan-history", args=[plan_id]),
        reverse("careteam:plan-audit", args=[plan_id]),
        reverse("careteam:team-note-create", args=[plan_id]),
        reverse("careteam:private-notes", args=[plan_id]),
        reverse("careteam:plan-edit", args=[plan_id]),
        reverse("careteam:goal-edit", args=[plan_id, ui.goal.pk]),
    ]
    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "physical_therapy", "contributor"])
def test_private_notes_never_reach_other_members(ui_team: UiTeam, role: str):
    client = client_for(ui_team.actor(role))
    seen_any_page = False
    for url in plan_pages(ui_team):
        response = client.get(url)
        body = response.content.decode()
        seen_any_page |= response.status_code == 200
        assert PRIVATE_NOTE_TEXT not in body, url
        assert PRIVATE_LABEL not in body, url
    assert seen_any_page
    # The plan page they can read does show the team's shared notes.
    plan_page = client.get(reverse("careteam:plan-detail", args=[ui_team.plan.pk]))
    assert TEAM_NOTE_TEXT in plan_page.content.decode()


@pytest.mark.django_db
def test_mental_health_member_reads_private_notes_under_the_label_on_their_own_page(
    ui_team: UiTeam,
):
    client = client_for(ui_team.team.mental_health)
    notes_url = reverse("careteam:private-notes", args=[ui_team.plan.pk])
    body = client.get(notes_url).content.decode()
    assert PRIVATE_NOTE_TEXT in body
    assert PRIVATE_LABEL in body
    # The plan page names them and links there, without their text.
    plan_body = client.get(reverse("careteam:plan-detail", args=[ui_team.plan.pk])).content
    assert PRIVATE_LABEL in plan_body.decode()
    assert f'href="{notes_url}"' in plan_body.decode()
    assert PRIVATE_NOTE_TEXT not in plan_body.decode()


@pytest.mark.django_db
def test_edit_controls_follow_the_role(ui_team: UiTeam):
    plan_id = ui_team.plan.pk
    url = reverse("careteam:plan-detail", args=[plan_id])
    edit_plan = reverse("careteam:plan-edit", args=[plan_id])
    goal_edit = reverse("careteam:goal-edit", args=[plan_id, ui_team.goal.pk])
    member_add = reverse("careteam:member-add", args=[plan_id])
    audit = reverse("careteam:plan-audit", args=[plan_id])
    mh_section = ui_team.team.section("mental_health")
    add_mh_goal = reverse("careteam:goal-create", args=[plan_id, mh_section.pk])

    lead = client_for(ui_team.team.lead).get(url).content.decode()
    assert all(link in lead for link in (edit_plan, goal_edit, member_add, audit, add_mh_goal))

    physio = client_for(ui_team.team.physio).get(url).content.decode()
    assert goal_edit in physio
    assert not any(link in physio for link in (edit_plan, member_add, audit, add_mh_goal))

    mind = client_for(ui_team.team.mental_health).get(url).content.decode()
    assert add_mh_goal in mind
    assert goal_edit not in mind and edit_plan not in mind

    contributor = client_for(ui_team.team.contributor).get(url).content.decode()
    assert not any(
        link in contributor for link in (edit_plan, goal_edit, member_add, audit, add_mh_goal)
    )
    assert reverse("careteam:team-note-create", args=[plan_id]) in contributor


@pytest.mark.django_db
def test_wrong_role_edit_gets_a_clear_403(ui_team: UiTeam):
    response = client_for(ui_team.team.physio).post(
        reverse("careteam:plan-edit", args=[ui_team.plan.pk]), {"title": "Hijacked"}
    )
    assert response.status_code == 403
    assert "Only the team lead can edit" in response.content.decode()
    ui_team.plan.refresh_from_db()
    assert ui_team.plan.title != "Hijacked"


@pytest.mark.django_db
def test_invite_and_remove_through_the_ui_change_access_at_once(ui_team: UiTeam):
    plan_url = reverse("careteam:plan-detail", args=[ui_team.plan.pk])
    newcomer = client_for(ui_team.free_provider)
    assert newcomer.get(plan_url).status_code == 404

    lead = client_for(ui_team.team.lead)
    response = lead.post(
        reverse("careteam:member-add", args=[ui_team.plan.pk]),
        {"who": ui_team.free_provider.email.upper(), "role": TeamRole.CONTRIBUTOR},
    )
    assert response.status_code == 302
    assert newcomer.get(plan_url).status_code == 200

    membership = CareTeamMembership.objects.active().get(
        plan=ui_team.plan, user=ui_team.free_provider
    )
    response = lead.post(reverse("careteam:member-remove", args=[ui_team.plan.pk, membership.pk]))
    assert response.status_code == 302
    assert newcomer.get(plan_url).status_code == 404
    # The removed member's dashboard no longer lists the plan.
    assert ui_team.plan.title not in newcomer.get(reverse("careteam:dashboard")).content.decode()


@pytest.mark.django_db
def test_invite_errors_are_shown_not_raised(ui_team: UiTeam):
    lead = client_for(ui_team.team.lead)
    url = reverse("careteam:member-add", args=[ui_team.plan.pk])
    unknown = lead.post(url, {"who": "nobody-here", "role": TeamRole.CONTRIBUTOR})
    assert unknown.status_code == 400
    assert "No single provider" in unknown.content.decode()
    # A nurse cannot take the mental-health role: the service's rule shows on the form.
    wrong_role = lead.post(
        url, {"who": ui_team.free_provider.username, "role": TeamRole.MENTAL_HEALTH}
    )
    assert wrong_role.status_code == 400
    assert "mental health provider" in wrong_role.content.decode()
    already = lead.post(url, {"who": ui_team.team.physio.username, "role": "contributor"})
    assert already.status_code == 400
    assert "already on the team" in already.content.decode()


@pytest.mark.django_db
def test_hand_over_lead_through_the_ui(ui_team: UiTeam):
    plan_id = ui_team.plan.pk
    old_lead = recently_authenticated(client_for(ui_team.team.lead))
    new_lead = client_for(ui_team.team.spare_physician)
    audit_url = reverse("careteam:plan-audit", args=[plan_id])
    assert new_lead.get(audit_url).status_code == 404

    response = old_lead.post(
        reverse("careteam:lead-hand-over", args=[plan_id]),
        {"who": ui_team.team.spare_physician.username, "former_lead_role": "contributor"},
    )
    assert response.status_code == 302
    assert new_lead.get(audit_url).status_code == 200
    assert old_lead.get(audit_url).status_code == 403
    assert old_lead.get(reverse("careteam:plan-detail", args=[plan_id])).status_code == 200


@pytest.mark.django_db
def test_former_lead_who_leaves_is_sent_to_the_dashboard_and_locked_out(ui_team: UiTeam):
    plan_id = ui_team.plan.pk
    old_lead = recently_authenticated(client_for(ui_team.team.lead))
    response = old_lead.post(
        reverse("careteam:lead-hand-over", args=[plan_id]),
        {"who": ui_team.team.spare_physician.username, "former_lead_role": "leave"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("careteam:dashboard")
    assert old_lead.get(reverse("careteam:plan-detail", args=[plan_id])).status_code == 404


@pytest.mark.django_db
def test_hand_over_to_a_non_physician_is_refused_with_a_message(ui_team: UiTeam):
    response = recently_authenticated(client_for(ui_team.team.lead)).post(
        reverse("careteam:lead-hand-over", args=[ui_team.plan.pk]),
        {"who": ui_team.team.physio.username, "former_lead_role": "contributor"},
    )
    assert response.status_code == 400
    assert "pain management provider" in response.content.decode()


@pytest.mark.django_db
def test_providers_land_on_care_after_login_and_others_do_not(ui_team: UiTeam):
    after_login = reverse("after-login")
    assert client_for(ui_team.team.physio).get(after_login)["Location"] == "/care/"
    assert client_for(ui_team.patient_user).get(after_login)["Location"] != "/care/"
    assert client_for(ui_team.editor).get(after_login)["Location"] != "/care/"


@pytest.mark.django_db
def test_care_nav_link_and_plan_link_on_dashboard(ui_team: UiTeam):
    body = client_for(ui_team.team.contributor).get(reverse("careteam:dashboard")).content
    html = body.decode()
    assert 'href="/care/" aria-current="page">Care plans</a>' in html
    assert reverse("careteam:plan-detail", args=[ui_team.plan.pk]) in html


@pytest.mark.django_db
def test_items_of_another_plan_cannot_be_reached_through_my_plan(ui_team: UiTeam):
    """A lead of plan A cannot touch plan B's goals or team by putting B's ids in A's URLs."""
    lead = ui_team.team.lead
    other_plan = add_plans(ui_team.team.spare_physician, 1)[0]
    other_section = other_plan.sections.get(discipline="physical_therapy")
    other_goal = create_goal(other_section, ui_team.team.spare_physician, description="B goal")
    other_lead = other_plan.memberships.active().get()
    mine = ui_team.plan.pk
    client = client_for(lead)
    urls = [
        reverse("careteam:goal-edit", args=[mine, other_goal.pk]),
        reverse("careteam:goal-delete", args=[mine, other_goal.pk]),
        reverse("careteam:goal-create", args=[mine, other_section.pk]),
        reverse("careteam:member-remove", args=[mine, other_lead.pk]),
    ]
    for url in urls:
        assert client.post(url, {"description": "Hijack", "version": 1}).status_code == 404, url
    other_goal.refresh_from_db()
    assert other_goal.description == "B goal"
    assert not Goal.objects.filter(description="Hijack").exists()
    assert other_plan.memberships.active().count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["0", "99999999999999999999", "1" * 40])
def test_impossible_ids_are_a_plain_404(ui_team: UiTeam, number: str):
    client = client_for(ui_team.team.lead)
    plan_id = ui_team.plan.pk
    for url in (
        f"/care/plans/{number}/",
        f"/care/plans/{plan_id}/goals/{number}/edit/",
        f"/care/plans/{plan_id}/sections/{number}/activities/new/",
        f"/care/plans/{plan_id}/members/{number}/remove/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["lead", "mental_health"])
def test_plan_page_html_has_unique_ids_and_labelled_fields(ui_team: UiTeam, role: str):
    html = (
        client_for(ui_team.actor(role))
        .get(reverse("careteam:plan-detail", args=[ui_team.plan.pk]))
        .content.decode()
    )
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\sid="([^"]+)"', html):
        assert f'for="{field_id}"' in html or field_id == "id_q", field_id
    headings = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert all(b - a <= 1 for a, b in zip(headings, headings[1:], strict=False)), headings


@pytest.mark.django_db
def test_posts_need_a_csrf_token(ui_team: UiTeam):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ui_team.team.lead)
    url = reverse("careteam:team-note-create", args=[ui_team.plan.pk])
    assert client.post(url, {"body": "No token"}).status_code == 403
    assert not ui_team.plan.team_notes.filter(body="No token").exists()
