"""Medical review: the workflow gate, the editor's readability panel, overdue reviews."""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.staticfiles import finders
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Workflow

from core.demo_users import ensure_demo_user
from portal.models import ArticlePage
from portal.services.review_workflow import (
    EDITORS,
    MEDICAL_REVIEWERS,
    WORKFLOW_NAME,
    ensure_review_setup,
)
from portal.summaries import SUMMARY_MAX_LENGTH
from tests.portal_fixtures import make_article, make_treatment, paragraph

pytestmark = pytest.mark.django_db

HARD_TEXT = (
    "Multidisciplinary interdisciplinary rehabilitation programmes incorporating "
    "biopsychosocial conceptualisations necessitate comprehensive individualised "
    "physiotherapeutic interventions emphasising neuromuscular proprioceptive "
    "stabilisation, notwithstanding considerable heterogeneity."
)
EASY_TEXT = "Walk a bit each day. Rest when you need to. Keep your back strong. It helps."


def member_of(group_name: str, username: str):
    user = ensure_demo_user(username, first_name=username.title(), last_name="Test")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return member_of(EDITORS, "editor")


@pytest.fixture
def medical_reviewer(db):
    return member_of(MEDICAL_REVIEWERS, "reviewer")


def test_review_setup_is_created_by_migration_and_idempotent(site_tree):
    ensure_review_setup()
    ensure_review_setup()
    assert Group.objects.filter(name__in=[EDITORS, MEDICAL_REVIEWERS]).count() == 2
    workflow = Workflow.objects.get(name=WORKFLOW_NAME)
    assert workflow.workflow_tasks.count() == 1
    task = workflow.workflow_tasks.get().task.specific
    assert list(task.groups.values_list("name", flat=True)) == [MEDICAL_REVIEWERS]
    article = make_article(site_tree.articles, "Covered", publish=False)
    assert article.get_workflow() == workflow


def test_editor_can_edit_but_not_publish(site_tree, editor, medical_reviewer):
    article = make_article(site_tree.articles, "Perms", publish=False)
    editor_perms = article.permissions_for_user(editor)
    assert editor_perms.can_edit()
    assert not editor_perms.can_publish()
    assert article.permissions_for_user(medical_reviewer).can_publish()


def test_article_goes_live_only_after_a_medical_reviewer_approves(
    client, site_tree, editor, medical_reviewer
):
    article = make_article(site_tree.articles, "Awaiting review", publish=False)
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])

    client.force_login(editor)
    # The editor clicks Publish: without publish permission nothing goes live.
    post = _edit_post_data(article, summary="Edited by the editor.")
    client.post(edit_url, {**post, "action-publish": "action-publish"})
    assert not ArticlePage.objects.get(pk=article.pk).live

    # The editor submits to the Medical review workflow: still not live.
    client.post(edit_url, {**post, "action-submit": "action-submit"})
    article.refresh_from_db()
    assert not article.live
    workflow_state = article.current_workflow_state
    assert workflow_state is not None and workflow_state.status == "in_progress"

    # Another editor cannot approve; the medical reviewer can.
    task_state = workflow_state.current_task_state
    action_url = reverse(
        "wagtailadmin_pages:workflow_action", args=[article.pk, "approve", task_state.pk]
    )
    client.post(action_url, {"comment": ""})
    article.refresh_from_db()
    assert not article.live

    client.force_login(medical_reviewer)
    client.post(action_url, {"comment": "Clinically accurate."})
    article.refresh_from_db()
    assert article.live
    assert article.summary == "Edited by the editor."
    assert client.get(article.url).status_code == 200


def _edit_post_data(article, **changes) -> dict:
    """The form data Wagtail's editor posts for this article (empty inline forms)."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "key_takeaways-count": "0",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-value": '{"blocks":[{"key":"a","text":"Hello there.","type":"unstyled",'
        '"depth":0,"inlineStyleRanges":[],"entityRanges":[]}],"entityMap":{}}',
        "body-0-deleted": "",
        "body-0-order": "0",
        "body-0-id": "b0",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }
    for prefix in ("faq_items", "related_article_links"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(changes)
    return data


def test_editor_sees_reading_grade_and_warning_for_hard_text(admin_client, site_tree):
    article = make_article(site_tree.articles, "Hard words", body=[paragraph(HARD_TEXT)])
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content
    html = html.decode()
    assert "Flesch–Kincaid grade" in html
    assert "Hard to read:" in html
    assert "above grade 8" in html


def test_editor_sees_grade_without_warning_for_plain_text(admin_client, site_tree):
    treatment = make_treatment(site_tree.treatments, "Easy page", what_it_is=[paragraph(EASY_TEXT)])
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[treatment.pk])).content
    html = html.decode()
    assert "Flesch–Kincaid grade" in html
    assert "Plain enough for most patients." in html
    assert "Hard to read:" not in html


def test_readability_panel_reads_the_latest_draft_not_the_live_version(admin_client, site_tree):
    article = make_article(site_tree.articles, "Drafted", body=[paragraph(EASY_TEXT)])
    draft = article.get_latest_revision_as_object()
    draft.body = [paragraph(HARD_TEXT)]
    draft.save_revision()
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content
    assert "Hard to read:" in html.decode()


def test_review_overdue_lists_only_live_pages_past_their_date(site_tree, medical_reviewer):
    today = timezone.localdate()
    past, future = today - datetime.timedelta(days=3), today + datetime.timedelta(days=30)
    make_article(site_tree.articles, "Stale article", next_review_due=past)
    make_treatment(site_tree.treatments, "Stale treatment", next_review_due=past)
    make_article(site_tree.articles, "Fresh article", next_review_due=future)
    make_article(site_tree.articles, "Stale draft", next_review_due=past, publish=False)
    make_article(site_tree.articles, "Undated article")

    out = StringIO()
    call_command("review_overdue", stdout=out)
    output = out.getvalue()
    assert "2 page(s) overdue" in output
    assert "Stale article" in output and "Stale treatment" in output
    assert "Fresh article" not in output and "Stale draft" not in output
    assert "Undated article" not in output
    assert mail.outbox == []

    call_command("review_overdue", "--email", stdout=StringIO())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [medical_reviewer.email]
    assert "Stale article" in message.body and "Stale treatment" in message.body
    assert "Fresh article" not in message.body


def test_review_overdue_with_nothing_due(site_tree):
    make_article(site_tree.articles, "Fine", next_review_due=timezone.localdate())
    out = StringIO()
    call_command("review_overdue", "--email", stdout=out)
    assert "No published page is overdue" in out.getvalue()
    assert mail.outbox == []


def test_is_review_expired(site_tree):
    today = timezone.localdate()
    article = make_article(site_tree.articles, "Expiry", publish=False)
    assert not article.is_review_expired
    article.next_review_due = today
    assert not article.is_review_expired
    article.next_review_due = today - datetime.timedelta(days=1)
    assert article.is_review_expired
    assert Page.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("who", ["editor", "medical_reviewer"])
def test_editors_and_reviewers_land_on_the_cms_after_logging_in(client, site_tree, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("after-login"))["Location"] == reverse("wagtailadmin_home")


def submitted_for_review(client, site_tree, editor) -> ArticlePage:
    article = make_article(site_tree.articles, "Awaiting a decision", publish=False)
    client.force_login(editor)
    post = _edit_post_data(article, summary="Ready for review.")
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    client.post(edit_url, {**post, "action-submit": "action-submit"})
    article.refresh_from_db()
    return article


def decision_url(article, action: str) -> str:
    task_state = article.current_workflow_state.current_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[article.pk, action, task_state.pk])


def test_the_reviewer_is_told_their_approval_published_the_page(
    client, site_tree, editor, medical_reviewer
):
    article = submitted_for_review(client, site_tree, editor)
    client.force_login(medical_reviewer)
    url = decision_url(article, "approve")
    response = client.post(url, {"comment": ""}, follow=True)
    html = response.content.decode()
    assert "You approved “Awaiting a decision”. It is published, and readers see it now." in html
    article.refresh_from_db()
    assert article.live


def test_the_reviewer_is_told_when_they_ask_for_changes(
    client, site_tree, editor, medical_reviewer
):
    article = submitted_for_review(client, site_tree, editor)
    client.force_login(medical_reviewer)
    url = decision_url(article, "reject")
    response = client.post(url, {"comment": "Cite the guideline."}, follow=True)
    assert "You asked for changes to “Awaiting a decision”." in response.content.decode()


def test_an_editor_who_may_not_approve_is_told_nothing_was_approved(client, site_tree, editor):
    article = submitted_for_review(client, site_tree, editor)
    response = client.post(decision_url(article, "approve"), {"comment": ""}, follow=True)
    assert "You approved" not in response.content.decode()


def test_approving_from_the_edit_page_tells_the_reviewer_too(
    client, site_tree, editor, medical_reviewer
):
    article = submitted_for_review(client, site_tree, editor)
    client.force_login(medical_reviewer)
    post = _edit_post_data(article, summary="Ready for review.")
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        {**post, "action-workflow-action": "true", "workflow-action-name": "approve"},
        follow=True,
    )
    assert "You approved “Awaiting a decision”." in response.content.decode()


# The readability panel follows the editor's typing (portal/readability_report.py).


def report_url(article) -> str:
    return reverse("portal_readability_edit", args=[article.pk])


def hard_body(article, **changes) -> dict:
    block = {"key": "a", "text": HARD_TEXT, "type": "unstyled", "depth": 0}
    block |= {"inlineStyleRanges": [], "entityRanges": []}
    state = json.dumps({"blocks": [block], "entityMap": {}})
    return _edit_post_data(article, **{"body-0-value": state, **changes})


def test_the_edit_page_loads_the_script_that_keeps_the_grade_up_to_date(admin_client, site_tree):
    article = make_article(site_tree.articles, "Live grade", body=[paragraph(EASY_TEXT)])
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    assert 'src="/static/portal/js/readability.js"' in html
    assert f'data-url="{report_url(article)}"' in html
    assert finders.find("portal/js/readability.js")


def test_the_report_grades_the_form_as_typed_and_saves_nothing(admin_client, site_tree):
    article = make_article(site_tree.articles, "As typed", body=[paragraph(EASY_TEXT)])
    revisions = article.revisions.count()
    response = admin_client.post(report_url(article), hard_body(article))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hard to read:" in html
    assert article.revisions.count() == revisions
    article.refresh_from_db()
    assert not article.has_unpublished_changes


def test_the_report_grades_a_page_not_yet_created(admin_client, site_tree):
    url = reverse("portal_readability_add", args=["portal", "articlepage", site_tree.articles.pk])
    article = make_article(site_tree.articles, "Model only", publish=False)
    response = admin_client.post(url, hard_body(article, slug="a-new-page"))
    assert response.status_code == 200
    assert "Hard to read:" in response.content.decode()


def test_the_summary_is_graded_and_its_length_shown(admin_client, site_tree):
    article = make_article(site_tree.articles, "Summary", body=[paragraph(EASY_TEXT)])
    data = _edit_post_data(article, summary=HARD_TEXT)
    html = admin_client.post(report_url(article), data).content.decode()
    assert f"{len(HARD_TEXT)} of {SUMMARY_MAX_LENGTH} characters" in html
    assert "Summary hard to read:" in html


def test_a_summary_over_the_limit_is_refused_with_a_clear_message(admin_client, site_tree):
    article = make_article(site_tree.articles, "Long summary", body=[paragraph(EASY_TEXT)])
    long_summary = "Walk a bit each day. " * 700  # about 14,000 characters, as in the tour
    report = admin_client.post(report_url(article), _edit_post_data(article, summary=long_summary))
    assert "Summary too long:" in report.content.decode()
    edit_url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    response = admin_client.post(edit_url, _edit_post_data(article, summary=long_summary))
    assert response.status_code == 200  # the form again, with its error
    assert f"Keep the summary to {SUMMARY_MAX_LENGTH} characters or fewer" in (
        response.content.decode()
    )
    assert article.get_latest_revision_as_object().summary != long_summary


def test_someone_who_may_not_edit_the_page_gets_no_report(client, site_tree, django_user_model):
    article = make_article(site_tree.articles, "Not yours", body=[paragraph(EASY_TEXT)])
    outsider = django_user_model.objects.create_user("cms-outsider", password="x")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(outsider)
    assert client.post(report_url(article), _edit_post_data(article)).status_code == 403
    assert client.get(report_url(article)).status_code == 405


def test_only_article_and_treatment_pages_have_a_report(admin_client, site_tree):
    url = reverse("portal_readability_edit", args=[site_tree.home.pk])
    assert admin_client.post(url, {}).status_code == 404
