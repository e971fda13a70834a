"""Fixtures and builders for the content portal tests."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils.text import slugify

from portal.models import (
    ArticleFaqItem,
    ArticlePage,
    Condition,
    Person,
    Topic,
    TreatmentFaqItem,
    TreatmentPage,
)
from portal.services.site_tree import SiteTree, ensure_site_tree

_counter = itertools.count(1)


@pytest.fixture
def site_tree(db) -> SiteTree:
    return ensure_site_tree()


@pytest.fixture
def author(db) -> Person:
    return Person.objects.create(
        name="Dr Ada Testwell", slug="ada-testwell", credentials="MD", role="physician"
    )


@pytest.fixture
def reviewer(db) -> Person:
    return Person.objects.create(
        name="Sam Reviewer", slug="sam-reviewer", credentials="DPT", role="physical_therapist"
    )


def make_topic(name: str) -> Topic:
    return Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def make_condition(name: str) -> Condition:
    return Condition.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "value": f"<p>{text}</p>"}


def heading(text: str, level: str = "h2", anchor: str = "") -> dict:
    return {"type": "heading", "value": {"text": text, "level": level, "anchor": anchor}}


def make_article(
    parent,
    title: str | None = None,
    *,
    body: list[dict] | None = None,
    summary: str = "A short summary for readers.",
    topics=(),
    conditions=(),
    faqs: list[tuple[str, str]] = (),
    takeaways: list[tuple[str, str]] = (),
    publish: bool = True,
    publish_date: datetime.date | None = None,
    **fields,
) -> ArticlePage:
    title = title or f"Article {next(_counter)}"
    article = ArticlePage(
        title=title,
        slug=slugify(title),
        summary=summary,
        live=False,
        publish_date=publish_date,
        body=body if body is not None else [paragraph("Some words about stability.")],
        key_takeaways=[
            {"type": "takeaway", "value": {"lead": lead, "text": text}} for lead, text in takeaways
        ],
        **fields,
    )
    article.faq_items = [ArticleFaqItem(question=q, answer=a) for q, a in faqs]
    parent.add_child(instance=article)
    article.topics.set(topics)
    article.conditions.set(conditions)
    revision = article.save_revision()
    if publish:
        revision.publish()
    article.refresh_from_db()
    return article


def make_treatment(parent, title: str, *, publish: bool = True, **fields) -> TreatmentPage:
    faqs = fields.pop("faqs", [])
    treatment = TreatmentPage(
        title=title,
        slug=slugify(title),
        live=False,
        summary=fields.pop("summary", f"What {title.lower()} involves."),
        what_it_is=fields.pop("what_it_is", [paragraph(f"{title} explained simply.")]),
        **fields,
    )
    treatment.faq_items = [TreatmentFaqItem(question=q, answer=a) for q, a in faqs]
    parent.add_child(instance=treatment)
    revision = treatment.save_revision()
    if publish:
        revision.publish()
    treatment.refresh_from_db()
    return treatment
