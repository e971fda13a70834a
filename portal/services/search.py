"""Site search over live, public articles and treatment pages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from wagtail.models import Page

MAX_QUERY_LENGTH = 200
_WORD = re.compile(r"\w+")


def search_terms(query: str) -> str:
    """Just the words: quotes and operators mean nothing to readers and break SQLite's FTS."""
    return " ".join(_WORD.findall(query))


def search_content(query: str, page_types: Sequence[type[Page]]):
    """Ranked live, public pages of these types (Wagtail's database backend: PostgreSQL
    full-text when available)."""
    pages = Page.objects.live().public().type(*page_types)
    terms = search_terms(query)
    return pages.search(terms, operator="and") if terms else pages.none()


def as_specific(pages: Sequence[Page]) -> list[Page]:
    """The specific pages for one page of results, in the same order, with one query per type."""
    by_pk = {
        page.pk: page
        for page in Page.objects.filter(pk__in=[p.pk for p in pages])
        .specific()
        .defer_streamfields()
    }
    return [by_pk[p.pk] for p in pages if p.pk in by_pk]
