"""The plain structure a Markdown article is parsed into, before anything touches the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path


class ArticleParseError(ValueError):
    """A file that cannot become an article; the message names the problem for the editor."""


@dataclass(frozen=True)
class Heading:
    text: str
    level: str  # "h2" or "h3"

    block_type = "heading"


@dataclass(frozen=True)
class Paragraph:
    html: str  # Wagtail rich text database format

    block_type = "paragraph"


@dataclass(frozen=True)
class Callout:
    kind: str  # urgent | red_flag | warning | tip | info
    body_html: str  # Wagtail rich text database format
    title: str = ""

    block_type = "callout"


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str = ""

    block_type = "quote"


@dataclass(frozen=True)
class TreatmentLink:
    """A card linking to a treatment page (``> **Treatment:** [Title](/treatments/slug/) Why``)."""

    href: str
    title: str
    blurb: str = ""
    page_id: int | None = None  # the treatment page, once the importer has found it

    block_type = "treatment_link"


BodyBlock = Heading | Paragraph | Callout | Quote | TreatmentLink


@dataclass(frozen=True)
class Takeaway:
    lead: str
    text: str


@dataclass(frozen=True)
class FaqItem:
    question: str
    answer_html: str  # Wagtail rich text database format


@dataclass(frozen=True)
class RelatedLink:
    title: str
    href: str


@dataclass
class ArticleMetadata:
    author: str = ""
    reviewer: str = ""
    publish_date: datetime.date | None = None
    last_reviewed: datetime.date | None = None
    next_review_due: datetime.date | None = None
    topics: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    contraindications: list[str] = field(default_factory=list)


@dataclass
class ParsedArticle:
    source: Path
    title: str
    slug: str
    summary: str
    metadata: ArticleMetadata
    takeaways: list[Takeaway] = field(default_factory=list)
    body: list[BodyBlock] = field(default_factory=list)
    faq: list[FaqItem] = field(default_factory=list)
    related: list[RelatedLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def headings(self, level: str | None = None) -> list[Heading]:
        return [
            block
            for block in self.body
            if isinstance(block, Heading) and (level is None or block.level == level)
        ]
