"""Assigned reading: contraindication warnings, expired-review blocking, read tracking,
feedback, emails through the task, and what the team sees."""

import datetime
import re
from unittest import mock

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import PageViewRestriction

from audit.models import AuditEvent
from careteam.services import CareAccessDenied
from patientportal.models import ReadingAssignment
from patientportal.panels import render_portal_panel
from patientportal.services.assigned_reading import (
    ContraindicationConflict,
    ReviewExpiredError,
    assign_reading,
    page_choices,
)
from patientportal.services.errors import PortalActionError
from tests.portal_fixtures import make_article, make_treatment

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site_tree, portal_world):
    safe = make_article(site_tree.articles, "Stability training at home")
    stretching = make_article(site_tree.articles, "Gentle stretching for stiff backs")
    stretching.contraindications.set([portal_world.deep_stretching])
    stretching.save_revision().publish()  # parental M2M values are stored on publish
    expired = make_article(
        site_tree.articles,
        "Old advice on lifting",
        next_review_due=datetime.date.today() - datetime.timedelta(days=1),
    )
    treatment = make_treatment(site_tree.treatments, "Prolotherapy")
    draft = make_article(site_tree.articles, "Unfinished draft", publish=False)
    return {
        "safe": safe,
        "stretching": stretching,
        "expired": expired,
        "treatment": treatment,
        "draft": draft,
    }


def test_assigning_a_safe_page_emails_the_patient_through_the_task(
    portal_world, pages, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = assign_reading(
            portal_world.plan, portal_world.team.physio, pages["safe"], note="Start with this."
        )
    assert assignment.page_title == "Stability training at home"
    assert not assignment.contraindication_warning_confirmed
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [portal_world.patient_user.email]
    assert "/my/reading/" in mail.outbox[0].body
    # Health details stay behind the login.
    assert "Stability training" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(
        action="created", care_plan_id=portal_world.plan.pk, actor=portal_world.team.physio
    ).exists()


def test_treatment_pages_can_be_assigned(portal_world, pages):
    assignment = assign_reading(portal_world.plan, portal_world.lead, pages["treatment"])
    assert assignment.page_id == pages["treatment"].pk


def test_a_page_that_conflicts_with_a_precaution_needs_confirmation(portal_world, pages):
    with pytest.raises(ContraindicationConflict) as raised:
        assign_reading(portal_world.plan, portal_world.lead, pages["stretching"])
    (conflict,) = raised.value.conflicts
    assert conflict.tag == portal_world.deep_stretching
    assert conflict.precautions == ("No deep or end-range stretching",)
    assert not ReadingAssignment.objects.exists()

    assignment = assign_reading(
        portal_world.plan, portal_world.lead, pages["stretching"], confirm_conflicts=True
    )
    assert assignment.contraindication_warning_confirmed
    assert assignment.confirmed_conflicts == ["Deep stretching"]


def test_pages_whose_review_has_expired_cannot_be_assigned_even_when_confirmed(portal_world, pages):
    with pytest.raises(ReviewExpiredError, match="medical review was due"):
        assign_reading(
            portal_world.plan, portal_world.lead, pages["expired"], confirm_conflicts=True
        )
    assert not ReadingAssignment.objects.exists()


def test_drafts_private_pages_and_other_page_types_cannot_be_assigned(
    portal_world, pages, site_tree
):
    with pytest.raises(PortalActionError, match="published"):
        assign_reading(portal_world.plan, portal_world.lead, pages["draft"])
    with pytest.raises(PortalActionError, match="published"):
        assign_reading(portal_world.plan, portal_world.lead, site_tree.articles)
    PageViewRestriction.objects.create(
        page=pages["safe"], restriction_type=PageViewRestriction.LOGIN
    )
    with pytest.raises(PortalActionError, match="published"):
        assign_reading(portal_world.plan, portal_world.lead, pages["safe"])


def test_only_team_members_can_assign(portal_world, pages):
    for user in (portal_world.team.outsider, portal_world.patient_user, portal_world.other_user):
        with pytest.raises(CareAccessDenied):
            assign_reading(portal_world.plan, user, pages["safe"])
    assert not ReadingAssignment.objects.exists()


def test_the_same_unread_page_is_not_assigned_twice(portal_world, pages):
    assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    with pytest.raises(PortalActionError, match="already on the reading list"):
        assign_reading(portal_world.plan, portal_world.team.physio, pages["safe"])


def test_the_searchable_list_marks_conflicts_and_expired_reviews(portal_world, pages):
    choices = {choice.page.title: choice for choice in page_choices(portal_world.plan)}
    assert "Unfinished draft" not in choices
    assert choices["Old advice on lifting"].review_expired
    assert [tag.name for tag in choices["Gentle stretching for stiff backs"].conflicts] == [
        "Deep stretching"
    ]
    assert choices["Stability training at home"].conflicts == []
    found = page_choices(portal_world.plan, "stretch")
    assert [choice.page.title for choice in found] == ["Gentle stretching for stiff backs"]


def test_assign_form_shows_the_conflict_then_assigns_after_confirmation(
    client, portal_world, pages
):
    client.force_login(portal_world.team.physio)
    url = reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk])
    listing = client.get(url, {"q": "stiff"})
    assert listing.status_code == 200
    assert b"Gentle stretching for stiff backs" in listing.content
    assert b"Stability training" not in listing.content

    data = {"page": pages["stretching"].pk, "note": "Read the warning part."}
    warned = client.post(url, data)
    assert warned.status_code == 400
    assert b"No deep or end-range stretching" in warned.content
    assert not ReadingAssignment.objects.exists()

    confirmed = client.post(url, {**data, "confirm_conflicts": "on"})
    assert confirmed.status_code == 302
    assignment = ReadingAssignment.objects.get()
    assert assignment.contraindication_warning_confirmed
    assert assignment.note == "Read the warning part."


def test_assign_form_explains_why_an_expired_page_is_refused(client, portal_world, pages):
    client.force_login(portal_world.lead)
    url = reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk])
    assert b"Medical review overdue" in client.get(url).content
    response = client.post(url, {"page": pages["expired"].pk})
    assert response.status_code == 400
    assert "medical review was due" in response.content.decode()


def test_assign_form_rejects_bad_input_with_a_message(client, portal_world, pages):
    client.force_login(portal_world.lead)
    url = reverse("patientportal_team:assign-reading", args=[portal_world.plan.pk])
    assert client.post(url, {"page": "abc"}).status_code == 400
    assert b"no longer exists" in client.post(url, {"page": 999999}).content
    past = client.post(url, {"page": pages["safe"].pk, "due_date": "2001-01-01"})
    assert b"cannot be in the past" in past.content


def test_opening_the_article_as_the_patient_marks_it_read(client, portal_world, pages):
    assignment = assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    client.force_login(portal_world.other_user)  # another patient reading the same page
    assert client.get(pages["safe"].url).status_code == 200
    assignment.refresh_from_db()
    assert assignment.read_at is None

    client.force_login(portal_world.patient_user)
    reading = client.get(reverse("patientportal:reading")).content.decode()
    link = re.search(r'<a href="([^"]+)">Stability training at home</a>', reading).group(1)
    assert client.get(link).status_code == 200
    assignment.refresh_from_db()
    assert assignment.read_at is not None
    assert AuditEvent.objects.filter(
        action="changed", actor=portal_world.patient_user, target_object_id=str(assignment.pk)
    ).exists()


def test_reading_list_shows_unread_first_with_who_and_why(client, portal_world, pages):
    first = assign_reading(portal_world.plan, portal_world.lead, pages["safe"], note="Core basics")
    assign_reading(
        portal_world.plan,
        portal_world.team.physio,
        pages["treatment"],
        note="Before your injection",
        due_date=datetime.date.today() + datetime.timedelta(days=7),
    )
    client.force_login(portal_world.patient_user)
    client.get(pages["safe"].url)
    html = client.get(reverse("patientportal:reading")).content.decode()
    assert html.index("Prolotherapy") < html.index("Stability training at home")
    assert "Before your injection" in html and "Core basics" in html
    assert "please read by" in html
    first.refresh_from_db()
    assert first.read_at is not None


def test_patient_feedback_reaches_the_team_plan_panel(client, portal_world, pages):
    assignment = assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    client.force_login(portal_world.patient_user)
    client.get(pages["safe"].url)
    url = reverse("patientportal:reading-feedback", args=[assignment.pk])
    assert (
        client.post(url, {"helpful": "yes", "feedback": "The pictures helped."}).status_code == 302
    )
    assignment.refresh_from_db()
    assert assignment.helpful is True
    assert assignment.feedback == "The pictures helped."

    request = RequestFactory().get("/")
    request.user = portal_world.team.physio
    html = render_portal_panel(request, portal_world.plan)
    assert "Stability training at home" in html
    assert "The pictures helped." in html
    assert "Read " in html


def test_feedback_on_someone_elses_assignment_is_404(client, portal_world, pages):
    assignment = assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    client.force_login(portal_world.other_user)
    url = reverse("patientportal:reading-feedback", args=[assignment.pk])
    assert client.post(url, {"helpful": "no"}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.helpful is None


def read_and_answer(client, portal_world, pages, data: dict) -> tuple[ReadingAssignment, str]:
    """The patient reads the page (so the list asks for feedback), then sends ``data``."""
    assignment = assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    client.force_login(portal_world.patient_user)
    client.get(pages["safe"].url)
    url = reverse("patientportal:reading-feedback", args=[assignment.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.helpful is None and assignment.feedback == ""
    return assignment, response.content.decode()


def test_feedback_without_an_answer_is_400_on_the_reading_page_with_the_form_kept(
    client, portal_world, pages
):
    assignment, html = read_and_answer(
        client, portal_world, pages, {"helpful": "maybe", "feedback": "Kept as typed"}
    )
    assert "<h1>My reading</h1>" in html
    assert 'role="alert"' in html and f'href="#reading-{assignment.pk}"' in html
    assert html.count("Choose yes or no.") == 2  # at the top, and beside the question
    assert f'<fieldset aria-describedby="helpful-{assignment.pk}-errors">' in html
    assert ">Kept as typed</textarea>" in html
    assert AuditEvent.objects.filter(
        actor=portal_world.patient_user, detail__what="reading list"
    ).exists()


def test_feedback_too_long_is_400_with_the_limit_beside_the_box_and_the_answer_kept(
    client, portal_world, pages
):
    assignment, html = read_and_answer(
        client, portal_world, pages, {"helpful": "yes", "feedback": "x" * 2001}
    )
    assert "Keep it to 2000 characters or fewer (it has 2001)." in html
    assert f'aria-invalid="true" aria-describedby="feedback-{assignment.pk}-errors"' in html
    assert 'value="yes" required checked' in html


def test_the_database_refuses_a_second_unread_copy_from_a_race(portal_world, pages):
    assign_reading(portal_world.plan, portal_world.lead, pages["safe"])
    # Both colleagues passed the "already listed?" check before either saved.
    related_manager = type(portal_world.plan.reading_assignments)
    with mock.patch.object(related_manager, "filter") as check:
        check.return_value.exists.return_value = False
        with pytest.raises(PortalActionError, match="already on the reading list"):
            assign_reading(portal_world.plan, portal_world.team.physio, pages["safe"])
    assert ReadingAssignment.objects.filter(read_at__isnull=True).count() == 1
