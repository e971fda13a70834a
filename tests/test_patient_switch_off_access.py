"""Switching off a patient's portal access: a destructive action, styled as one, confirmed on
a page of its own, and taken only by whom the policy allows (the lead)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from careteam.models import TeamRole
from careteam.policy import PATIENT_ACTION_ROLES, PatientAction
from patientportal.models import PatientInvitation
from tests.mfa_fixtures import recently_authenticated
from tests.page_checks import assert_accessible_page

pytestmark = pytest.mark.django_db


def stepped_up(user) -> Client:
    client = Client()
    client.force_login(user)
    return recently_authenticated(client)


def switch_off_url(plan) -> str:
    return reverse("patientportal_team:revoke", args=[plan.pk])


def still_active(user) -> bool:
    user.refresh_from_db()
    return user.is_active and user.has_usable_password()


def test_only_the_lead_may_switch_off_portal_access():
    assert PATIENT_ACTION_ROLES[PatientAction.SWITCH_OFF_PORTAL_ACCESS] == {TeamRole.LEAD}


def test_the_plan_page_offers_the_switch_as_a_danger_button_leading_to_a_confirmation(
    portal_world,
):
    plan_page = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    html = stepped_up(portal_world.lead).get(plan_page).content.decode()
    link = re.search(rf'<a class="([^"]*)" href="{switch_off_url(portal_world.plan)}">', html)
    assert link is not None and "button--danger" in link.group(1).split()
    assert f'action="{switch_off_url(portal_world.plan)}"' not in html  # no one-click form


def test_the_confirmation_page_says_what_happens_and_changes_nothing(portal_world):
    response = stepped_up(portal_world.lead).get(switch_off_url(portal_world.plan))
    html = response.content.decode()
    assert response.status_code == 200
    assert_accessible_page(html)
    assert "logged out at once" in html
    assert portal_world.patient_user.get_username() in html
    assert 'name="confirm" value="yes" class="button button--danger"' in html
    assert reverse("careteam:plan-detail", args=[portal_world.plan.pk]) in html  # cancel
    assert still_active(portal_world.patient_user)
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEWED,
        actor=portal_world.lead,
        detail__what="switch off portal access form",
    ).exists()


def test_confirming_switches_access_off_and_returns_to_the_plan(portal_world):
    response = stepped_up(portal_world.lead).post(
        switch_off_url(portal_world.plan), {"confirm": "yes"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "careteam:plan-detail", args=[portal_world.plan.pk]
    )
    assert "portal access is switched off" in response.content.decode()
    assert not still_active(portal_world.patient_user)


def test_a_post_without_the_confirmation_switches_nothing_off(portal_world):
    response = stepped_up(portal_world.lead).post(switch_off_url(portal_world.plan))
    assert response.status_code == 400
    assert "to confirm" in response.content.decode()
    assert still_active(portal_world.patient_user)
    assert not PatientInvitation.objects.filter(revoked_at__isnull=False).exists()


def test_the_physical_therapist_is_refused_the_page_and_the_switch(portal_world):
    physio = stepped_up(portal_world.team.physio)
    denied_before = AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=portal_world.team.physio
    ).count()
    assert physio.get(switch_off_url(portal_world.plan)).status_code == 403
    refused = physio.post(switch_off_url(portal_world.plan), {"confirm": "yes"})
    assert refused.status_code == 403
    assert "Only the lead physician" in refused.content.decode()
    assert still_active(portal_world.patient_user)
    denied_after = AuditEvent.objects.filter(
        action=AuditAction.DENIED, actor=portal_world.team.physio
    ).count()
    assert denied_after == denied_before + 2


def test_with_no_login_to_switch_off_the_page_says_so_and_offers_no_button(care_team):
    html = stepped_up(care_team.lead).get(switch_off_url(care_team.plan)).content.decode()
    assert "no portal login or invitation to switch off" in html
    assert 'name="confirm"' not in html


def test_a_button_modifier_always_beats_the_base_button_rule():
    """``button.button`` once outranked ``.button--danger``, so every button was teal."""
    css = Path(finders.find("core/css/site.css")).read_text(encoding="utf-8")
    selectors = [rule.split("{")[0] for rule in css.split("}") if ".button" in rule]
    assert not [s for s in selectors if re.search(r"[a-z]\.button\b", s)], selectors
    danger = re.search(r"\n\.button--danger \{([^}]*)\}", css)
    secondary = re.search(r"\n\.button--secondary \{([^}]*)\}", css)
    assert danger and "var(--danger)" in danger.group(1)
    assert secondary and "background: #fff" in secondary.group(1)
