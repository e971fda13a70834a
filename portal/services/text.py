"""Plain reader-visible text of a page, for word counts, readability and JSON-LD."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any, Protocol

from django.utils.html import strip_tags
from wagtail.rich_text import RichText

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SENTENCE_ENDS = (".", "!", "?", ":", ";", "…")


def html_chunks(markup: str) -> list[str]:
    """The plain text of each paragraph, list item or line in some HTML."""
    parts = (_plain(part) for part in _BLOCK_END.split(markup or ""))
    return [part for part in parts if part]


def _plain(fragment: str) -> str:
    return _SPACES.sub(" ", html.unescape(strip_tags(fragment))).strip()


def html_to_text(markup: str) -> str:
    return " ".join(html_chunks(markup))


def as_sentence(text: str) -> str:
    """Headings and list items end a sentence too, so readability is not misjudged."""
    return text if text.endswith(_SENTENCE_ENDS) else f"{text}."


def value_text(value: Any) -> Iterable[str]:
    """Every piece of reader-visible text inside a block value, in reading order."""
    if value is None:
        return
    if isinstance(value, RichText):
        yield from html_chunks(value.source)
    elif isinstance(value, str):
        yield value
    elif hasattr(value, "raw_data") and hasattr(value, "__iter__"):  # StreamValue
        for child in value:
            yield from value_text(child.value)
    elif isinstance(value, dict):  # StructValue
        for name, child in value.items():
            if name not in ("anchor", "level", "kind", "image", "page", "alt_text"):
                yield from value_text(child)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from value_text(child)


def stream_text(stream) -> str:
    return " ".join(as_sentence(part) for part in value_text(stream) if part)


def faq_text(faq_items) -> str:
    return " ".join(
        " ".join(as_sentence(part) for part in [item.question, *html_chunks(item.answer)])
        for item in faq_items
    )


class ReadablePage(Protocol):
    """What a page offers for its text to be read: article and treatment pages."""

    faq_items: Any

    def reader_streams(self) -> list[Any]:
        """The StreamFields a reader reads below the title, before the FAQ, in order."""
        ...


def page_text(page: ReadablePage, faq_items=None) -> str:
    """The text a reader reads below the title: the page's streams, then its FAQ."""
    parts = [stream_text(stream) for stream in page.reader_streams()]
    parts.append(faq_text(page.faq_items.all() if faq_items is None else faq_items))
    return " ".join(part for part in parts if part)
