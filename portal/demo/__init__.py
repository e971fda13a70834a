"""Demo content for the portal: the page tree, people, taxonomies, treatments and articles.

``seed_content`` is the portal's ``demo_seeder`` (portal/apps.py), the first one
``manage.py seed_demo`` runs; it is idempotent, so seeding twice leaves one copy of everything.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TextIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils.html import escape
from django.utils.text import slugify

from core.demo_users import ensure_demo_user
from portal.importing import import_markdown_files
from portal.models import (
    ArticlePage,
    Condition,
    ContraindicationTag,
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

ARTICLES_DIR = Path(__file__).resolve().parent.parent / "demo_content" / "articles"
FEATURED_SLUGS = [
    "hypermobile-lower-back-pain",
    "stability-training-at-home",
    "when-to-seek-urgent-care",
]
TREATMENT_LAST_REVIEWED = datetime.date(2026, 1, 5)
TREATMENT_NEXT_REVIEW = datetime.date(2027, 1, 5)

HERO_TEXT = (
    "Clear, careful guides for people living with back pain and hypermobility, from the "
    "Northbridge Spine & Pain Clinic care team."
)
INTRO = (
    "<p>Bendy joints need steady support. Our articles explain why stability beats "
    "stretching, how to pace your day, and when pain needs urgent care. Each page is written "
    "by a clinician and checked by a medical reviewer.</p>"
)


def seed_content(stdout: TextIO) -> list[tuple[str, str]]:
    ensure_review_setup()
    tree = ensure_site_tree(hero_text=HERO_TEXT, intro=INTRO)
    people = _ensure_people()
    _ensure_terms()
    created = [_ensure_treatment(tree, spec, people) for spec in TREATMENTS]
    stdout.write(f"Treatment pages: {sum(created)} created, {len(created) - sum(created)} kept.\n")
    _import_articles(stdout)
    _ensure_featured(tree)
    tree.home.hero_link = tree.articles
    tree.home.hero_link_text = tree.home.hero_link_text or "Read our articles"
    tree.home.save(update_fields=["hero_link", "hero_link_text"])
    call_command("update_index", verbosity=0)
    return _ensure_users()


def _ensure_people() -> dict[str, Person]:
    people = {}
    for spec in PEOPLE:
        person, _ = Person.objects.update_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        people[person.slug] = person
    return people


def _ensure_terms() -> None:
    for model, terms in (
        (Topic, TOPICS),
        (Condition, CONDITIONS),
        (ContraindicationTag, CONTRAINDICATIONS),
    ):
        for name, description in terms.items():
            term = model.objects.filter(name__iexact=name).first()
            if term is None:
                model.objects.create(name=name, slug=slugify(name), description=description)
            elif not term.description:
                term.description = description
                term.save(update_fields=["description"])


def _block(item) -> dict:
    if isinstance(item, str):
        return {"type": "paragraph", "value": f"<p>{escape(item)}</p>"}
    kind = item[0]
    if kind == "h3":
        return {"type": "subheading", "value": item[1]}
    if kind == "list":
        items = "".join(f"<li>{escape(text)}</li>" for text in item[1])
        return {"type": "paragraph", "value": f"<ul>{items}</ul>"}
    _, title, text = item
    return {
        "type": "callout",
        "value": {"kind": kind, "title": title, "body": f"<p>{escape(text)}</p>"},
    }


def _ensure_treatment(tree: SiteTree, spec: dict, people: dict[str, Person]) -> bool:
    """Create the treatment page if missing; an existing page keeps its editors' changes."""
    if TreatmentPage.objects.filter(slug=spec["slug"]).exists():
        return False
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
        TreatmentFaqItem(question=question, answer=f"<p>{escape(answer)}</p>")
        for question, answer in spec["faqs"]
    ]
    tree.treatments.add_child(instance=page)
    page.conditions.set(Condition.objects.filter(name__in=spec["conditions"]))
    page.contraindications.set(
        ContraindicationTag.objects.filter(name__in=spec["contraindications"])
    )
    publish(page)
    return True


def _import_articles(stdout: TextIO) -> None:
    report = import_markdown_files(sorted(ARTICLES_DIR.glob("*.md")), publish=True)
    for line in report.summary_lines():
        stdout.write(f"Articles: {line}\n")


def _ensure_featured(tree: SiteTree) -> None:
    if tree.home.featured_article_links.exists():
        return
    articles = {a.slug: a for a in ArticlePage.objects.filter(slug__in=FEATURED_SLUGS)}
    for order, slug in enumerate(FEATURED_SLUGS):
        if slug in articles:
            HomePageFeaturedArticle.objects.create(
                page=tree.home, article=articles[slug], sort_order=order
            )


def _ensure_users() -> list[tuple[str, str]]:
    editor = ensure_demo_user("editor", first_name="Erin", last_name="Editor")
    editor.groups.add(Group.objects.get(name=EDITORS))
    reviewer = ensure_demo_user("reviewer", first_name="Sam", last_name="Okafor")
    reviewer.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    return [
        ("editor", "Editor — writes articles and submits them for review (Editors group)"),
        ("reviewer", "Medical reviewer — approves and publishes (Medical reviewers group)"),
    ]


__all__ = ["seed_content"]
