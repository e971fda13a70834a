"""Demo content for the portal: the page tree, people, taxonomies, treatments and articles.

``seed_content`` is the portal's ``demo_seeder`` (portal/apps.py), the first one
``manage.py seed_demo`` runs. It adds only what is missing: a demo page, person or user that
already exists is left exactly as it is, so an editor's published edits, unpublished drafts and
pages in medical review survive a second run. With ``reset`` it deletes the demo's treatment
and article pages and builds them again, and restores the home page's demo text, the demo
people and the editor and reviewer logins.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TextIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.html import escape
from django.utils.text import slugify

from core.demo_users import demo_user
from portal.importing import import_markdown_files
from portal.importing.rich_text import as_editor_stores_it
from portal.models import (
    ArticlePage,
    Condition,
    ContraindicationTag,
    HomePage,
    HomePageFeaturedArticle,
    Person,
    Topic,
    TreatmentFaqItem,
    TreatmentPage,
)
from portal.services.review_workflow import EDITORS, MEDICAL_REVIEWERS, ensure_review_setup
from portal.services.site_tree import SiteTree, ensure_site_tree, publish

from .catalogue import CONDITIONS, CONTRAINDICATIONS, PEOPLE, TOPICS
from .treatments import TREATMENTS

# Each file is named after the slug in its front matter (tests/test_demo_respects_work.py
# checks), so the seeder tells which demo articles exist without parsing them.
ARTICLES_DIR = Path(__file__).resolve().parent.parent / "demo_content" / "articles"
FEATURED_SLUGS = [
    "hypermobile-lower-back-pain",
    "stability-training-at-home",
    "when-to-seek-urgent-care",
]
TREATMENT_LAST_REVIEWED = datetime.date(2026, 1, 5)
TREATMENT_NEXT_REVIEW = datetime.date(2027, 1, 5)

HERO_TITLE = "Stronger, steadier backs"
HERO_LINK_TEXT = "Read our articles"
HERO_TEXT = (
    "Clear, careful guides for people living with back pain and hypermobility, from the "
    "Northbridge Spine & Pain Clinic care team."
)
INTRO = (
    "<p>Bendy joints need steady support. Our articles explain why stability beats "
    "stretching, how to pace your day, and when pain needs urgent care. Each page is written "
    "by a clinician and checked by a medical reviewer.</p>"
)


DEMO_USERS = (
    # username, first name, last name, group, description for the login list
    (
        "editor",
        "Erin",
        "Editor",
        EDITORS,
        "Editor — writes articles and submits them for review (Editors group)",
    ),
    (
        "reviewer",
        "Sam",
        "Okafor",
        MEDICAL_REVIEWERS,
        "Medical reviewer — approves and publishes (Medical reviewers group)",
    ),
)


def seed_content(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    ensure_review_setup()
    new_site = not HomePage.objects.exists()
    tree = ensure_site_tree()
    people = _ensure_people(reset=reset)
    _ensure_terms(reset=reset)
    if reset:
        removed = _remove_demo_pages(tree)
        stdout.write(f"Demo pages: {removed} deleted, to be built again.\n")
    treatments = _ensure_treatments(tree, people, stdout)
    articles = _import_articles(tree, stdout)
    if new_site or reset:
        _set_up_home(tree)
        stdout.write(f"Home page: demo text {'restored' if reset else 'added'}.\n")
    else:
        stdout.write("Home page: kept as it is.\n")
    if treatments or articles:
        call_command("update_index", verbosity=0)
    return _ensure_users(stdout, reset=reset)


def _ensure_people(*, reset: bool) -> dict[str, Person]:
    """The demo's authors and reviewers: missing ones created; with ``reset``, restored."""
    people = {}
    write = Person.objects.update_or_create if reset else Person.objects.get_or_create
    for spec in PEOPLE:
        person, _ = write(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        people[person.slug] = person
    return people


def _ensure_terms(*, reset: bool) -> None:
    """Missing terms created, and a missing description filled in (all restored on reset)."""
    for model, terms in (
        (Topic, TOPICS),
        (Condition, CONDITIONS),
        (ContraindicationTag, CONTRAINDICATIONS),
    ):
        for name, description in terms.items():
            term = model.objects.filter(name__iexact=name).first()
            if term is None:
                model.objects.create(name=name, slug=slugify(name), description=description)
            elif reset or not term.description:
                term.description = description
                term.save(update_fields=["description"])


def _rich_text(text: str) -> str:
    """A plain paragraph as rich text, stored as the editor stores it (no ghost drafts)."""
    return as_editor_stores_it(f"<p>{escape(text)}</p>")


def _block(item) -> dict:
    if isinstance(item, str):
        return {"type": "paragraph", "value": _rich_text(item)}
    kind = item[0]
    if kind == "h3":
        return {"type": "subheading", "value": item[1]}
    if kind == "list":
        items = "".join(f"<li>{escape(text)}</li>" for text in item[1])
        return {"type": "paragraph", "value": as_editor_stores_it(f"<ul>{items}</ul>")}
    _, title, text = item
    return {
        "type": "callout",
        "value": {"kind": kind, "title": title, "body": _rich_text(text)},
    }


def _remove_demo_pages(tree: SiteTree) -> int:
    """Delete the demo's treatment and article pages (their revisions and drafts with them)."""
    treatment_slugs = [spec["slug"] for spec in TREATMENTS]
    article_slugs = [path.stem for path in ARTICLES_DIR.glob("*.md")]
    pages = [
        *TreatmentPage.objects.child_of(tree.treatments).filter(slug__in=treatment_slugs),
        *ArticlePage.objects.child_of(tree.articles).filter(slug__in=article_slugs),
    ]
    for page in pages:
        page.delete()
    # The index pages' child counts changed under them; new pages are added below them.
    tree.treatments.refresh_from_db(fields=["numchild"])
    tree.articles.refresh_from_db(fields=["numchild"])
    return len(pages)


def _ensure_treatments(tree: SiteTree, people: dict[str, Person], stdout: TextIO) -> int:
    """Create the missing treatment pages; an existing page keeps its editors' changes."""
    existing = set(
        TreatmentPage.objects.child_of(tree.treatments)
        .filter(slug__in=[spec["slug"] for spec in TREATMENTS])
        .values_list("slug", flat=True)
    )
    missing = [spec for spec in TREATMENTS if spec["slug"] not in existing]
    for spec in missing:
        _add_treatment(tree, spec, people)
    stdout.write(f"Treatment pages: {len(missing)} created, {len(existing)} kept as they are.\n")
    return len(missing)


def _add_treatment(tree: SiteTree, spec: dict, people: dict[str, Person]) -> None:
    page = TreatmentPage(
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        live=False,
        author=people[spec["author"]],
        medical_reviewer=people[spec["reviewer"]],
        last_reviewed=TREATMENT_LAST_REVIEWED,
        next_review_due=TREATMENT_NEXT_REVIEW,
        **{name: [_block(item) for item in items] for name, items in spec["sections"].items()},
    )
    page.faq_items = [
        TreatmentFaqItem(question=question, answer=_rich_text(answer))
        for question, answer in spec["faqs"]
    ]
    tree.treatments.add_child(instance=page)
    page.conditions.set(Condition.objects.filter(name__in=spec["conditions"]))
    page.contraindications.set(
        ContraindicationTag.objects.filter(name__in=spec["contraindications"])
    )
    publish(page)


def _import_articles(tree: SiteTree, stdout: TextIO) -> int:
    """Import and publish the demo articles that are missing; existing ones are not touched
    (the importer would otherwise publish the file over an editor's draft)."""
    files = sorted(ARTICLES_DIR.glob("*.md"))
    existing = set(
        ArticlePage.objects.child_of(tree.articles)
        .filter(slug__in=[path.stem for path in files])
        .values_list("slug", flat=True)
    )
    missing = [path for path in files if path.stem not in existing]
    created = 0
    if missing:
        report = import_markdown_files(missing, publish=True, parent=tree.articles)
        if report.failed or report.skipped or report.warnings:
            for line in report.summary_lines():
                stdout.write(f"Articles: {line}\n")
        created = len(report.created)
    stdout.write(f"Articles: {created} created, {len(existing)} kept as they are.\n")
    return created


def _set_up_home(tree: SiteTree) -> None:
    """Publish the home page with the demo's text, its link to the articles and the featured
    articles (a new revision, so the editor starts from what is live)."""
    home = tree.home
    home.hero_title = HERO_TITLE
    home.hero_text = HERO_TEXT
    home.search_description = HERO_TEXT
    home.intro = as_editor_stores_it(INTRO)
    home.hero_link = tree.articles
    home.hero_link_text = HERO_LINK_TEXT
    articles = {
        article.slug: article
        for article in ArticlePage.objects.child_of(tree.articles).filter(slug__in=FEATURED_SLUGS)
    }
    home.featured_article_links = [
        HomePageFeaturedArticle(article=articles[slug], sort_order=order)
        for order, slug in enumerate(FEATURED_SLUGS)
        if slug in articles
    ]
    publish(home)


def _ensure_users(stdout: TextIO, *, reset: bool) -> list[tuple[str, str]]:
    """The editor and reviewer logins: created if missing, restored on reset, else kept."""
    set_up = []
    for username, first_name, last_name, group, _ in DEMO_USERS:
        user, fresh = demo_user(username, first_name=first_name, last_name=last_name, reset=reset)
        if fresh:
            user.groups.add(Group.objects.get(name=group))
            set_up.append(username)
    stdout.write(
        f"Content logins: {len(set_up)} {'restored' if reset else 'created'}, "
        f"{len(DEMO_USERS) - len(set_up)} kept as they are.\n"
    )
    return [(username, description) for username, *_, description in DEMO_USERS]


__all__ = ["seed_content"]
