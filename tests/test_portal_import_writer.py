"""Importing Markdown as ArticlePages: content, drafts or publishing, re-runs, bad files."""

from __future__ import annotations

import datetime
import shutil
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, ManagementUtility, call_command
from wagtail.models import Revision

from portal.importing import ArticleIndexMissing, import_markdown_files
from portal.models import ArticleIndexPage, ArticlePage, ContraindicationTag, Person, Topic
from portal.services.reading_time import reading_time_minutes
from portal.services.review_workflow import EDITORS, ensure_review_setup
from tests.portal_fixtures import make_treatment

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"
CORE = FIXTURES / "core-basics.md"
BALANCE = FIXTURES / "balance-at-home.md"
GOOD_FILES = [CORE, BALANCE]

pytestmark = pytest.mark.django_db


def revisions_of(page: ArticlePage) -> int:
    return Revision.page_revisions.filter(object_id=str(page.pk)).count()


def latest(slug: str) -> ArticlePage:
    return ArticlePage.objects.get(slug=slug).get_latest_revision_as_object()


def test_import_builds_the_article_from_markdown(site_tree):
    report = import_markdown_files(GOOD_FILES)

    assert report.ok
    assert sorted(outcome.slug for outcome in report.created) == ["balance-at-home", "core-basics"]
    page = latest("core-basics")
    assert page.get_parent().pk == site_tree.articles.pk
    assert page.title == "Core basics for a steadier back"
    assert [(b.value["lead"], b.value["text"]) for b in page.key_takeaways] == [
        ("Control first", "Move slowly in the middle of your range."),
        ("Little and often", "Short daily sessions beat long weekly ones."),
        ("Build up slowly", "Add one change at a time."),
    ]
    headings = [(b.value["level"], b.value["text"]) for b in page.body if b.block_type == "heading"]
    assert headings == [
        ("h2", "Why the core matters"),
        ("h3", "What the deep core is"),
        ("h3", "How it steadies the spine"),
        ("h3", "A detail heading"),
        ("h2", "Getting started"),
    ]
    callouts = [b.value["kind"] for b in page.body if b.block_type == "callout"]
    assert callouts == ["tip", "red_flag", "warning", "info", "urgent"]
    intro = page.body[0].value.source
    assert '<a href="/treatments/stabilisation-physical-therapy/">' in intro
    assert "<i>deep</i>" in intro  # stored as Wagtail's editor stores it
    assert all("script" not in str(block.value) for block in page.body)
    faqs = list(page.faq_items.all())
    assert [faq.question for faq in faqs] == [
        "How often should I practise?",
        "Is clicking a problem?",
    ]
    assert "<i>start</i>" in faqs[0].answer
    # A link to a page of this site becomes a Wagtail page link; one to nowhere stays as written.
    assert f'<a linktype="page" id="{page.pk}">' in faqs[0].answer
    missing = "link '/treatments/stabilisation-physical-therapy/' matches no page on this site"
    assert (CORE, f"{missing}; kept as is") in report.warnings


def test_links_to_site_pages_follow_the_page(site_tree, client):
    treatment = make_treatment(site_tree.treatments, "Stabilisation physical therapy")

    import_markdown_files([CORE], publish=True)

    page = ArticlePage.objects.get(slug="core-basics")
    assert f'<a linktype="page" id="{treatment.pk}">' in page.body[0].value.source
    treatment.slug = "stability-physio"
    treatment.save_revision().publish()
    html = client.get("/articles/core-basics/").content.decode()
    assert 'href="/treatments/stability-physio/"' in html


def test_import_sets_people_dates_and_taxonomy(site_tree):
    Topic.objects.create(name="Hypermobility", slug="hypermobility")
    existing_author = Person.objects.create(name="Test Author", slug="test-author")

    import_markdown_files([CORE])

    page = latest("core-basics")
    assert page.author == existing_author  # matched without the honorific
    assert page.medical_reviewer.name == "Alex Reviewer"
    assert page.medical_reviewer.credentials == "DPT"
    assert page.medical_reviewer.role == Person.Role.PHYSICAL_THERAPIST
    assert page.publish_date == datetime.date(2026, 2, 1)
    assert page.last_reviewed == datetime.date(2026, 1, 20)
    assert page.next_review_due == datetime.date(2027, 1, 20)
    assert sorted(t.slug for t in page.topics.all()) == ["exercise-and-movement", "hypermobility"]
    assert Topic.objects.filter(slug="hypermobility").count() == 1
    assert [c.name for c in page.conditions.all()] == ["Lower back pain"]
    assert ContraindicationTag.objects.get(slug="deep-stretching") in page.contraindications.all()


def test_related_links_resolve_across_files_in_any_order(site_tree):
    report = import_markdown_files([CORE, BALANCE], publish=True)

    core = ArticlePage.objects.get(slug="core-basics")
    balance = ArticlePage.objects.get(slug="balance-at-home")
    assert [link.article for link in core.related_article_links.all()] == [balance]
    assert [link.article for link in balance.related_article_links.all()] == [core]
    assert (CORE, "related article '/articles/no-such-article/' is not an imported article") in (
        report.warnings
    )
    # Publishing carries the links to the live page, which readers see.
    assert core.related_articles() == [balance]


def test_drafts_by_default(site_tree, client):
    report = import_markdown_files(GOOD_FILES)

    assert report.ok and not report.publish
    page = ArticlePage.objects.get(slug="core-basics")
    assert not page.live
    assert page.has_unpublished_changes
    assert revisions_of(page) == 1
    assert client.get("/articles/core-basics/").status_code == 404


def test_publish_makes_pages_live(site_tree, client):
    import_markdown_files(GOOD_FILES, publish=True)

    page = ArticlePage.objects.get(slug="core-basics")
    assert page.live and not page.has_unpublished_changes
    response = client.get("/articles/core-basics/")
    assert response.status_code == 200
    assert "Why the core matters" in response.content.decode()


def test_reimport_updates_by_slug_with_a_new_revision(site_tree, tmp_path):
    import_markdown_files(GOOD_FILES, publish=True)
    page = ArticlePage.objects.get(slug="core-basics")
    pages_before, revisions_before = ArticlePage.objects.count(), revisions_of(page)
    edited = tmp_path / "core-basics.md"
    edited.write_text(CORE.read_text().replace("Control first", "Control comes first"))

    report = import_markdown_files([edited, BALANCE])

    assert [outcome.slug for outcome in report.updated] == ["core-basics"]
    assert [outcome.slug for outcome in report.unchanged] == ["balance-at-home"]
    assert report.created == []
    assert ArticlePage.objects.count() == pages_before
    assert revisions_of(page) == revisions_before + 1
    # Without --publish the change waits as a draft; the live page is untouched.
    page.refresh_from_db()
    assert page.key_takeaways[0].value["lead"] == "Control first"
    assert latest("core-basics").key_takeaways[0].value["lead"] == "Control comes first"
    assert page.has_unpublished_changes


def test_reimport_with_publish_updates_the_live_page(site_tree, tmp_path):
    import_markdown_files([CORE], publish=True)
    edited = tmp_path / "renamed.md"
    edited.write_text(CORE.read_text().replace("Core basics for a steadier back", "Core basics"))

    import_markdown_files([edited], publish=True)

    page = ArticlePage.objects.get(slug="core-basics")
    assert page.title == "Core basics"
    assert ArticlePage.objects.count() == 1


def test_dry_run_writes_nothing(site_tree):
    pages, revisions = ArticlePage.objects.count(), Revision.objects.count()
    people, topics = Person.objects.count(), Topic.objects.count()

    report = import_markdown_files(GOOD_FILES, dry_run=True, publish=True)

    assert sorted(outcome.slug for outcome in report.created) == ["balance-at-home", "core-basics"]
    assert ArticlePage.objects.count() == pages
    assert Revision.objects.count() == revisions
    assert (Person.objects.count(), Topic.objects.count()) == (people, topics)
    # Links between files of the same run count as resolvable.
    assert [message for _, message in report.warnings if "related" in message] == [
        "related article '/articles/no-such-article/' is not an imported article"
    ]


def test_dry_run_reports_updates_for_existing_slugs(site_tree):
    import_markdown_files([CORE])
    report = import_markdown_files(GOOD_FILES, dry_run=True)
    assert [o.slug for o in report.updated] == ["core-basics"]
    assert [o.slug for o in report.created] == ["balance-at-home"]


def test_bad_files_are_reported_and_good_ones_still_import(site_tree):
    report = import_markdown_files([FIXTURES])  # the folder, bad/ included

    assert not report.ok
    failures = {outcome.path.name: outcome.reason for outcome in report.failed}
    assert set(failures) == {"bad-date.md", "invalid-yaml.md", "missing-title.md", "no-body.md"}
    assert failures["bad-date.md"].startswith("bad date in 'date'")
    assert failures["missing-title.md"].startswith("missing title")
    assert failures["no-body.md"].startswith("no body text")
    assert failures["invalid-yaml.md"].startswith("invalid YAML front matter")
    assert sorted(ArticlePage.objects.values_list("slug", flat=True)) == [
        "balance-at-home",
        "core-basics",
    ]


def test_a_file_failing_validation_rolls_back_alone(site_tree, tmp_path):
    too_long = tmp_path / "long-question.md"
    too_long.write_text(
        "---\ntitle: Long question\nsummary: S\n---\nText.\n\n"
        f"## Frequently asked questions\n\n### {'Why ' * 80}?\n\nBecause.\n"
    )

    report = import_markdown_files([too_long, CORE])

    assert [outcome.path for outcome in report.failed] == [too_long]
    assert report.failed[0].reason.startswith("FAQ item 1 question: Ensure this value has at most")
    assert list(ArticlePage.objects.values_list("slug", flat=True)) == ["core-basics"]


def test_duplicate_slug_in_one_run_is_skipped(site_tree, tmp_path):
    copy = tmp_path / "zz-copy.md"
    shutil.copy(CORE, copy)

    report = import_markdown_files([CORE, copy])

    assert [outcome.path for outcome in report.skipped] == [copy]
    assert "same slug" in report.skipped[0].reason
    assert ArticlePage.objects.filter(slug="core-basics").count() == 1


def test_missing_path_is_a_failure(site_tree, tmp_path):
    report = import_markdown_files([tmp_path / "nowhere"])
    assert report.failed[0].reason == "no such file or folder"


def test_without_an_article_index_there_is_a_clear_error(db):
    assert not ArticleIndexPage.objects.exists()
    with pytest.raises(ArticleIndexMissing, match="no article index page"):
        import_markdown_files([CORE])


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_imports_and_summarises(site_tree):
    out, err = run_command(str(CORE), str(BALANCE), "--publish")

    assert "created: " in out and "-> core-basics" in out
    assert "2 created, 0 updated (published), 0 unchanged, 0 skipped, 0 failed" in out
    assert err == ""  # no progress bar when stderr is not a terminal
    assert ArticlePage.objects.live().count() == 2


class FakeTerminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_command_shows_a_progress_bar_on_a_terminal(site_tree, monkeypatch):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    run_command(str(CORE), str(BALANCE), "--dry-run")
    assert "2/2" in terminal.getvalue()

    quiet = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    run_command(str(CORE), "--dry-run", "--no-progress")
    assert quiet.getvalue() == ""


def test_command_dry_run_says_so_and_writes_nothing(site_tree):
    out, _ = run_command(str(CORE), "--dry-run")
    assert "would be created: " in out
    assert "Dry run: nothing was written." in out
    assert not ArticlePage.objects.exists()


def test_command_fails_when_any_file_fails(site_tree):
    out = StringIO()
    with pytest.raises(CommandError, match="4 file"):
        call_command("import_articles", str(FIXTURES), "--no-progress", stdout=out)
    text = out.getvalue()
    assert "FAILED " in text and "bad-date.md" in text and "bad date in 'date'" in text
    assert ArticlePage.objects.count() == 2


def test_command_records_the_importing_user(site_tree, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x")

    run_command(str(CORE), "--publish", "--user", "root")

    page = ArticlePage.objects.get(slug="core-basics")
    assert page.live
    assert page.latest_revision.user == admin
    with pytest.raises(CommandError, match="No user called 'nobody'"):
        run_command(str(CORE), "--user", "nobody")


def test_editors_import_drafts_but_may_not_publish(site_tree, django_user_model):
    ensure_review_setup()
    editor = django_user_model.objects.create_user("erin", password="x")
    editor.groups.add(Group.objects.get(name=EDITORS))

    with pytest.raises(CommandError, match="erin may not publish articles"):
        run_command(str(CORE), "--publish", "--user", "erin")
    assert not ArticlePage.objects.exists()

    run_command(str(CORE), "--user", "erin")
    page = ArticlePage.objects.get(slug="core-basics")
    assert not page.live and page.latest_revision.user == editor


def test_command_exit_status(site_tree):
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_articles", str(FIXTURES / "bad")]).execute()
    assert exit_info.value.code == 1


def test_demo_articles_import_and_publish(site_tree):
    demo = Path(__file__).resolve().parent.parent / "portal" / "demo_content" / "articles"
    for title in (
        "Epidural steroid injections",
        "Radiofrequency ablation",
        "Prolotherapy",
        "Stabilisation physical therapy",
    ):
        make_treatment(site_tree.treatments, title)

    report = import_markdown_files([demo], publish=True)

    assert report.ok, report.summary_lines()
    assert report.warnings == []
    assert ArticlePage.objects.live().count() == len(list(demo.glob("*.md")))
    flagship = ArticlePage.objects.get(slug="hypermobile-lower-back-pain")
    assert reading_time_minutes(flagship) >= 15
    assert flagship.author.display_name == "Dr Hannah Lee, MD"
    assert flagship.medical_reviewer.display_name == "Dr Samuel Okafor, MD"
    assert flagship.related_article_links.count() == 4
    cards = [block.value for block in flagship.body if block.block_type == "treatment_link"]
    assert [card["page"].title for card in cards] == [
        "Epidural steroid injections",
        "Radiofrequency ablation",
        "Prolotherapy",
        "Stabilisation physical therapy",
    ]


def test_block_limits_are_checked_before_saving(site_tree, tmp_path):
    long_lead = tmp_path / "long-lead.md"
    long_lead.write_text(
        "---\ntitle: Long lead\nsummary: S\n---\nText.\n\n"
        f"## Key takeaways\n\n- **{'Very ' * 40}long**: text.\n"
    )

    report = import_markdown_files([long_lead])

    assert report.failed[0].reason.startswith("key_takeaways block 1 lead: Ensure this value")
    assert not ArticlePage.objects.exists()
