"""`manage.py seed_demo` run again adds only what is missing and leaves the team's work alone;
`--reset` rebuilds the demo on purpose."""

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from wagtail.models import Page, Revision, WorkflowState

from audit.models import AuditAction, AuditEvent
from careteam.models import CarePlan, Patient
from careteam.services import update_plan
from core.demo_users import demo_password
from patientportal.models import CheckIn, ReadingAssignment
from portal.demo import ARTICLES_DIR
from portal.importing import parse_markdown_file
from portal.models import ArticlePage, HomePage, TreatmentPage
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db

DRAFTED = "hypermobile-lower-back-pain"  # an editor's draft waits in medical review
APPROVED = "sleep-and-flares"  # an edit the medical reviewer approved and published
TREATMENT = "prolotherapy"  # edited and published straight away
ALEX = "NB-100234"


def seed(*options: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", *options, stdout=out)
    return out.getvalue()


def user(username: str):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def edited_demo():
    """The demo as a team leaves it after a week's work."""
    seed()
    editor, reviewer, lead = user("editor"), user("reviewer"), user("dr.lee")

    drafted = ArticlePage.objects.get(slug=DRAFTED)
    drafted.title = "Hypermobile lower back pain: a rewrite in progress"
    drafted.save_revision(user=editor)
    drafted.get_workflow().start(drafted, editor)

    approved = ArticlePage.objects.get(slug=APPROVED)
    approved.summary = "Reviewed again: what helps when pain and poor sleep feed each other."
    approved.save_revision(user=editor)
    approved.get_workflow().start(approved, editor).current_task_state.approve(user=reviewer)

    treatment = TreatmentPage.objects.get(slug=TREATMENT)
    treatment.summary = "Our own wording, published by the clinic."
    treatment.save_revision(user=reviewer).publish(user=reviewer)

    home = HomePage.objects.get()
    home.hero_title = "Welcome to the clinic"
    home.save_revision(user=reviewer).publish(user=reviewer)

    plan = CarePlan.objects.get(patient__record_number=ALEX)
    update_plan(
        plan,
        lead,
        plan.version,
        title="Lower back plan after the October review",
        patient_summary="Injection done; we now build walking time week by week.",
    )

    lead.set_password("a-password-dr-lee-chose")
    lead.save(update_fields=["password"])

    own = make_article(ArticlePage.objects.get(slug=DRAFTED).get_parent(), "Our own article")
    return own


def counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "users": get_user_model().objects.count(),
        "patients": Patient.objects.count(),
        "plans": CarePlan.objects.count(),
        "check-ins": CheckIn.objects.count(),
        "reading": ReadingAssignment.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


def test_demo_article_files_are_named_after_their_slugs():
    # The seeder tells which demo articles exist from the file names alone.
    for path in ARTICLES_DIR.glob("*.md"):
        assert parse_markdown_file(path).slug == path.stem


def test_a_second_run_creates_nothing_and_keeps_every_edit(edited_demo):
    before = counts()
    output = seed()

    assert counts() == before
    assert "Treatment pages: 0 created, 4 kept as they are." in output
    assert "Articles: 0 created, 10 kept as they are." in output
    assert "Care plan for Alex Rivera-Kim: kept as it is." in output
    assert "updated (published)" not in output

    drafted = ArticlePage.objects.get(slug=DRAFTED)
    assert drafted.has_unpublished_changes
    assert drafted.title == "Hypermobile lower back pain: what you need to know"  # live copy
    latest = drafted.get_latest_revision_as_object()
    assert latest.title == "Hypermobile lower back pain: a rewrite in progress"
    assert drafted.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    approved = ArticlePage.objects.get(slug=APPROVED)
    assert approved.summary.startswith("Reviewed again")
    assert not approved.has_unpublished_changes
    assert TreatmentPage.objects.get(slug=TREATMENT).summary.startswith("Our own wording")
    assert HomePage.objects.get().hero_title == "Welcome to the clinic"

    plan = CarePlan.objects.get(patient__record_number=ALEX)
    assert plan.title == "Lower back plan after the October review"
    assert plan.patient_summary.startswith("Injection done")

    assert authenticate(username="dr.lee", password="a-password-dr-lee-chose") is not None
    assert authenticate(username="dr.lee", password=demo_password()) is None


def test_a_second_run_adds_back_a_demo_page_that_was_deleted(edited_demo):
    TreatmentPage.objects.get(slug=TREATMENT).delete()
    output = seed()
    assert "Treatment pages: 1 created, 3 kept as they are." in output
    assert TreatmentPage.objects.get(slug=TREATMENT).live


def test_reset_rebuilds_the_demos_own_text_and_leaves_other_work(edited_demo):
    alex_before = Patient.objects.get(record_number=ALEX).pk
    output = seed("--reset")
    assert "rebuilt" in output

    drafted = ArticlePage.objects.get(slug=DRAFTED)
    assert not drafted.has_unpublished_changes
    assert drafted.get_latest_revision_as_object().title == drafted.title
    assert not WorkflowState.objects.active().exists()
    approved = ArticlePage.objects.get(slug=APPROVED)
    assert not approved.summary.startswith("Reviewed again")
    assert not TreatmentPage.objects.get(slug=TREATMENT).summary.startswith("Our own wording")
    home = HomePage.objects.get()
    assert home.hero_title == "Stronger, steadier backs"
    assert [link.article.slug for link in home.featured_article_links.all()][0] == DRAFTED
    assert ArticlePage.objects.filter(pk=edited_demo.pk).exists()  # not the demo's own

    plan = CarePlan.objects.get(patient__record_number=ALEX)
    assert plan.title == "Lower back stability and pain plan"
    assert CarePlan.objects.count() == 2
    assert plan.patient.user.username == "alex"
    assert CheckIn.objects.filter(patient=plan.patient).count() == 18
    removed = AuditEvent.objects.filter(action=AuditAction.DELETED, patient_id=alex_before)
    assert removed.count() == 2  # the patient and their plan
    assert all("seed_demo --reset" in event.detail["reason"] for event in removed)

    assert authenticate(username="dr.lee", password=demo_password()) is not None

    # And the rebuilt demo is itself left alone by the next plain run.
    before = counts()
    seed()
    assert counts() == before
