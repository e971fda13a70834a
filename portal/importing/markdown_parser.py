"""Read a Markdown article with YAML front matter into a :class:`ParsedArticle`.

Nothing here touches the database, so the rules can be tested on their own and a whole
folder can be checked before anything is written.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.text import slugify

from portal.summaries import SUMMARY_MAX_LENGTH

from .document import (
    ArticleMetadata,
    ArticleParseError,
    BodyBlock,
    Callout,
    FaqItem,
    Heading,
    Paragraph,
    ParsedArticle,
    Quote,
    RelatedLink,
    Takeaway,
    TreatmentLink,
)
from .front_matter import KNOWN_FIELDS, date_field, list_field, split_front_matter, text_field
from .rich_text import plain_text, to_rich_text

SPECIAL_SECTIONS = {
    "key takeaways": "takeaways",
    "takeaways": "takeaways",
    "frequently asked questions": "faq",
    "faq": "faq",
    "faqs": "faq",
    "related articles": "related",
    "related reading": "related",
}

# A blockquote labelled "Treatment:" is a card linking to a treatment page, not a callout.
TREATMENT_LINK = "treatment_link"
CALLOUT_LABELS = {
    "treatment": TREATMENT_LINK,
    "urgent": "urgent",
    "red flag": "red_flag",
    "red flags": "red_flag",
    "warning": "warning",
    "caution": "warning",
    "tip": "tip",
    "note": "info",
    "info": "info",
    "information": "info",
}

# The first paragraph stands in for a missing summary, cut to fit (the "…" included).
SUMMARY_FALLBACK_LENGTH = SUMMARY_MAX_LENGTH - 1
_BLOCKQUOTE_GAP = re.compile(r"^(>.*)\n(?:[ \t]*\n)+(?=>)", re.MULTILINE)
_LABEL_END = re.compile(r"^[\s:.\-–—]+")


def parse_markdown_file(path: Path | str) -> ParsedArticle:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ArticleParseError(f"not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise ArticleParseError(f"could not read the file ({error.strerror or error})") from error
    return parse_markdown_text(text, source=path)


def parse_markdown_text(text: str, *, source: Path | str = "<text>") -> ParsedArticle:
    fields, content = split_front_matter(text)
    # Python-Markdown merges blockquotes separated only by a blank line; keep them apart, as
    # CommonMark does, so that two callouts in a row stay two callouts.
    content = _BLOCKQUOTE_GAP.sub(r"\1\n<!-- -->\n\n", content)
    builder = _BodyBuilder()
    builder.feed(markdown.markdown(content, extensions=["sane_lists"]))

    warnings = list(builder.warnings)
    unknown = sorted(set(fields) - KNOWN_FIELDS)
    if unknown:
        warnings.append(f"ignored front matter field(s): {', '.join(unknown)}")

    title = text_field(fields, "title") or builder.title
    if not title:
        raise ArticleParseError("missing title (add 'title:' to the front matter)")
    slug = slugify(text_field(fields, "slug") or title)
    if not slug:
        raise ArticleParseError(f"cannot make a URL slug from {title!r}")
    if not builder.body:
        raise ArticleParseError("no body text (only front matter or special sections)")

    summary = text_field(fields, "summary")
    if not summary:
        summary = _first_paragraph_text(builder.body)
        if not summary:
            raise ArticleParseError("missing summary (add 'summary:' to the front matter)")
        warnings.append("no summary in the front matter; used the first paragraph")

    return ParsedArticle(
        source=Path(source),
        title=title,
        slug=slug,
        summary=summary,
        metadata=ArticleMetadata(
            author=text_field(fields, "author"),
            reviewer=text_field(fields, "reviewer") or text_field(fields, "medical_reviewer"),
            publish_date=date_field(fields, "date") or date_field(fields, "publish_date"),
            last_reviewed=date_field(fields, "last_reviewed"),
            next_review_due=date_field(fields, "next_review_due"),
            topics=list_field(fields, "topics"),
            conditions=list_field(fields, "conditions"),
            contraindications=list_field(fields, "contraindications"),
        ),
        takeaways=builder.takeaways,
        body=builder.body,
        faq=builder.faq,
        related=builder.related,
        warnings=warnings,
    )


def _first_paragraph_text(body: list[BodyBlock]) -> str:
    for block in body:
        if isinstance(block, Paragraph):
            text = plain_text(block.html)
            if len(text) <= SUMMARY_FALLBACK_LENGTH:
                return text
            return text[:SUMMARY_FALLBACK_LENGTH].rsplit(" ", 1)[0] + "…"
    return ""


def _heading_key(text: str) -> str:
    return " ".join(text.lower().strip(" :.?!").split())


class _BodyBuilder:
    """Walks the top-level HTML elements in order, sorting them into the article's parts."""

    def __init__(self) -> None:
        self.title = ""
        self.body: list[BodyBlock] = []
        self.takeaways: list[Takeaway] = []
        self.faq: list[FaqItem] = []
        self.related: list[RelatedLink] = []
        self.warnings: list[str] = []
        self._section = "body"
        self._pending: list[str] = []
        self._question: str | None = None
        self._answer: list[str] = []

    def feed(self, html: str) -> None:
        for node in BeautifulSoup(html, "html.parser").children:
            if isinstance(node, Tag):
                self._element(node)
            elif isinstance(node, NavigableString) and node.strip():
                self._content(f"<p>{node}</p>")
        self._close_section()

    def _element(self, element: Tag) -> None:
        name = element.name
        if name == "h1":
            if not self.title:
                self.title = plain_text(str(element))
                return
            self.warnings.append(f"extra top-level heading {element.get_text()!r} made a section")
            name = "h2"
        if name == "h2":
            self._close_section()
            text = plain_text(str(element))
            self._section = SPECIAL_SECTIONS.get(_heading_key(text), "body")
            if self._section == "body":
                self.body.append(Heading(text=text, level="h2"))
        elif name in ("h3", "h4", "h5", "h6"):
            self._subheading(plain_text(str(element)))
        elif name == "blockquote" and self._section == "body":
            self._flush_paragraph()
            self.body.extend(self._blockquote(element))
        elif name == "hr":
            return
        else:
            self._content(str(element), element)

    def _subheading(self, text: str) -> None:
        if self._section == "body":
            self._flush_paragraph()
            self.body.append(Heading(text=text, level="h3"))
        elif self._section == "faq":
            self._flush_answer()
            self._question = text
        elif self._section == "takeaways":
            self.warnings.append(f"subheading {text!r} in Key takeaways was skipped")

    def _content(self, html: str, element: Tag | None = None) -> None:
        if self._section == "body":
            self._pending.append(html)
        elif self._section == "faq":
            if self._question is None:
                self.warnings.append("text before the first question in the FAQ was skipped")
            else:
                self._answer.append(html)
        elif self._section == "takeaways":
            self._takeaway_list(element)
        elif self._section == "related" and element is not None:
            self.related += [
                RelatedLink(title=plain_text(str(link)), href=link["href"].strip())
                for link in element.find_all("a", href=True)
            ]

    def _takeaway_list(self, element: Tag | None) -> None:
        if element is None or element.name not in ("ul", "ol"):
            self.warnings.append("text in Key takeaways that is not a list item was skipped")
            return
        for item in element.find_all("li", recursive=False):
            takeaway = _takeaway(item)
            if takeaway is None:
                self.warnings.append(
                    f"key takeaway {plain_text(str(item))!r} has no bold lead-in; skipped"
                )
            else:
                self.takeaways.append(takeaway)

    def _blockquote(self, element: Tag) -> list[BodyBlock]:
        """Callouts start with a bold label (``**Tip:**``); anything else is a quote."""
        blocks: list[BodyBlock] = []
        kind: str | None = None
        parts: list[str] = []
        for child in element.children:
            if not isinstance(child, Tag):
                if child.strip():
                    parts.append(str(child))
                continue
            label_kind = _callout_label(child)
            if label_kind is not None:
                blocks += self._finish_quote_part(kind, parts)
                kind, parts = label_kind, [str(child)]
            else:
                parts.append(str(child))
        blocks += self._finish_quote_part(kind, parts)
        return blocks

    def _finish_quote_part(self, kind: str | None, parts: list[str]) -> list[BodyBlock]:
        if not parts:
            return []
        if kind is None:
            return [_quote(parts)]
        if kind == TREATMENT_LINK:
            return self._treatment_link("".join(parts))
        html, notes = to_rich_text("".join(parts))
        self.warnings += notes
        return [Callout(kind=kind, body_html=html)] if plain_text(html) else []

    def _treatment_link(self, html: str) -> list[BodyBlock]:
        soup = BeautifulSoup(html, "html.parser")
        link = soup.find("a", href=True)
        if link is None:
            self.warnings.append("a Treatment card has no link to a treatment page; skipped")
            return []
        href, title = link["href"].strip(), plain_text(str(link))
        link.decompose()
        blurb = _LABEL_END.sub("", plain_text(str(soup)))
        return [TreatmentLink(href=href, title=title, blurb=blurb)]

    def _flush_paragraph(self) -> None:
        if not self._pending:
            return
        html, notes = to_rich_text("".join(self._pending))
        self._pending = []
        self.warnings += notes
        if plain_text(html):
            self.body.append(Paragraph(html=html))

    def _flush_answer(self) -> None:
        if self._question is None:
            return
        html, notes = to_rich_text("".join(self._answer))
        self.warnings += notes
        if plain_text(html):
            self.faq.append(FaqItem(question=self._question, answer_html=html))
        else:
            self.warnings.append(f"FAQ question {self._question!r} has no answer; skipped")
        self._question, self._answer = None, []

    def _close_section(self) -> None:
        self._flush_paragraph()
        self._flush_answer()


def _leading_strong(element: Tag) -> Tag | None:
    for child in element.children:
        if isinstance(child, NavigableString):
            if child.strip():
                return None
            continue
        return child if child.name in ("strong", "b") else None
    return None


def _strip_label(label: Tag) -> None:
    """Remove a bold label and the colon or full stop that follows it."""
    following = label.next_sibling
    label.decompose()
    if isinstance(following, NavigableString):
        following.replace_with(_LABEL_END.sub("", str(following)))


def _callout_label(paragraph: Tag) -> str | None:
    if paragraph.name != "p":
        return None
    label = _leading_strong(paragraph)
    if label is None:
        return None
    kind = CALLOUT_LABELS.get(_heading_key(label.get_text()))
    if kind is not None:
        _strip_label(label)
    return kind


def _takeaway(item: Tag) -> Takeaway | None:
    label = _leading_strong(item)
    if label is not None:
        lead = label.get_text().strip(" :.")
        _strip_label(label)
        text = plain_text(str(item))
    else:
        lead, _, text = plain_text(str(item)).partition(": ")
    lead, text = " ".join(lead.split()), text.strip()
    return Takeaway(lead=lead, text=text) if lead and text else None


def _quote(parts: list[str]) -> Quote:
    paragraphs = [plain_text(part) for part in parts]
    paragraphs = [text for text in paragraphs if text]
    attribution = ""
    if len(paragraphs) > 1 and paragraphs[-1][:1] in ("—", "–", "-"):
        attribution = paragraphs.pop().lstrip("—–- ").strip()
    return Quote(text="\n\n".join(paragraphs), attribution=attribution)
