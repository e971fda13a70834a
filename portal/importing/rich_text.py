"""Markdown's HTML as Wagtail rich text (database format), keeping only what editors could write."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString
from wagtail.admin.rich_text import get_rich_text_editor_widget
from wagtail.admin.rich_text.converters.db_html import DbHTMLConverter

from portal.blocks import RICH_TEXT_FEATURES

# Dropped with their content: unwrapping them would leave code or styling as visible text.
DANGEROUS_ELEMENTS = ["script", "style", "iframe", "object", "embed", "template", "noscript"]

_LINE_BREAK = re.compile(r"\s*\n\s*")
_BLOCK_CONTAINERS = {"[document]", "ul", "ol", "blockquote"}

# Unwrapping these loses nothing a reader would miss, so they are not worth a warning.
QUIET_UNWRAPS = {"code", "pre", "hr", "span", "div", "blockquote", "h1", "h2", "h3", "h4"}


def to_rich_text(html: str) -> tuple[str, list[str]]:
    """Sanitised rich text and a note for each construct that could not be kept."""
    soup = BeautifulSoup(html, "html.parser")
    notes = []
    for element in soup.find_all(DANGEROUS_ELEMENTS):
        notes.append(f"removed a <{element.name}> element")
        element.decompose()
    # Markdown keeps the source's line wrapping; the editor would show it as stray spaces.
    for text in soup.find_all(string=_LINE_BREAK):
        if not text.strip() and text.parent.name in _BLOCK_CONTAINERS:
            text.extract()
        else:
            text.replace_with(NavigableString(_LINE_BREAK.sub(" ", str(text))))
    cleaned, removals = DbHTMLConverter(RICH_TEXT_FEATURES).clean(str(soup))
    notes += [
        "dropped an image (add images in Wagtail's image library)"
        if removal.tag == "img"
        else f"dropped unsupported <{removal.tag}> formatting"
        for removal in removals
        if removal.tag not in QUIET_UNWRAPS
    ]
    return cleaned.strip(), notes


def as_editor_stores_it(html: str) -> str:
    """Rich text exactly as Wagtail's editor saves it (a ``data-block-key`` on every block,
    its own choice of tags), so an edit form opened on it and left alone matches what is
    stored and saves nothing (portal.page_editing)."""
    if not html.strip():
        return ""
    widget = get_rich_text_editor_widget(features=RICH_TEXT_FEATURES)
    return widget.value_from_datadict({"text": widget.format_value(html)}, {}, "text")


def plain_text(html: str) -> str:
    """The visible text of an HTML fragment, with runs of whitespace collapsed."""
    return " ".join(BeautifulSoup(html, "html.parser").get_text().split())
