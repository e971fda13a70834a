"""Checks that a page is whole and accessible HTML, for any test of a page:

    assert_accessible_page(response.content.decode())

One h1, every element closed in order, unique ids, a label for every visible field, no
script in the main content (the page works without JavaScript), and every wide table's
scroll container (``table-scroll``) a named region reachable by keyboard (axe's
``scrollable-region-focusable``).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "path",
}  # fmt: skip  (SVG paths close themselves: <path ... />)


class Structure(HTMLParser):
    """Open and close tags in order; ids; labels' targets; form fields."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_targets: set[str] = set()
        self.fields: list[tuple[str, dict]] = []
        self.scroll_regions: list[dict] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in ("input", "select", "textarea"):
            self.fields.append((tag, attributes))
        if "table-scroll" in (attributes.get("class") or "").split():
            self.scroll_regions.append(attributes)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def assert_accessible_page(html: str) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    parser = Structure()
    parser.feed(html)
    parser.close()
    assert not parser.problems and not parser.stack, (parser.problems, parser.stack)
    assert len(parser.ids) == len(set(parser.ids)), parser.ids
    for tag, attributes in parser.fields:
        if attributes.get("type") in ("hidden", "submit") or "hidden" in attributes:
            continue
        assert attributes.get("id") in parser.label_targets, (tag, attributes)
    assert "<script" not in html.split("<main", 1)[1]
    for region in parser.scroll_regions:
        assert region.get("role") == "region" and region.get("tabindex") == "0", region
        assert (region.get("aria-label") or "").strip(), region
