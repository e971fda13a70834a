"""Plain reader-visible text of a page, for word counts, readability and JSON-LD."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from django.utils.html import strip_tags
from wagtail.rich_text import RichText

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|div)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


def html_to_text(markup: str) -> str:
    """Rich text or HTML as plain text, with block ends kept as sentence-safe spaces."""
    text = strip_tags(_BLOCK_END.sub(lambda m: m.group(0) + "\n", markup or ""))
    return _SPACES.sub(" ", html.unescape(text)).strip()


def value_text(value: Any) -> Iterable[str]:
    """Every piece of reader-visible text inside a block value, in reading order."""
    if value is None:
        return
    if isinstance(value, RichText):
        yield html_to_text(value.source)
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
    return " ".join(part for part in value_text(stream) if part)


def faq_text(faq_items) -> str:
    return " ".join(f"{item.question} {html_to_text(item.answer)}" for item in faq_items)


def page_text(page, faq_items=None) -> str:
    """The text a reader reads below the title: body, key takeaways and FAQ."""
    from portal.models import ArticlePage, TreatmentPage

    parts: list[str] = []
    if isinstance(page, ArticlePage):
        parts += [stream_text(page.key_takeaways), stream_text(page.body)]
    elif isinstance(page, TreatmentPage):
        parts += [stream_text(content) for _, _, content in page.sections()]
    parts.append(faq_text(page.faq_items.all() if faq_items is None else faq_items))
    return " ".join(part for part in parts if part)
