"""Page links in rich text, resolved once per page render instead of once per paragraph.

Wagtail batches the `<a linktype="page">` lookups of one rich text value, but a StreamField
renders each paragraph on its own, so an article costs two queries per linked paragraph.
`serve_with_page_link_cache` opens a cache for the duration of one render; the page's context
code primes it with every page id its rich text mentions in one query; the link handler
(`portal.rich_text_link_handler`) reads from it and falls back to Wagtail's own lookup for
anything not primed. Outside a render the handler is Wagtail's, unchanged.

The page models import this module, so it must not import `wagtail.rich_text.pages`, which
needs the app registry ready; the handler has its own module for that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

# page id (as written in the rich text) -> page, or None when it no longer exists
_linked_pages: ContextVar[dict[str, Page | None] | None] = ContextVar(
    "portal_rich_text_linked_pages", default=None
)


@contextmanager
def page_link_cache() -> Iterator[None]:
    """Collect primed page links for this block only; always emptied on the way out."""
    token = _linked_pages.set({})
    try:
        yield
    finally:
        _linked_pages.reset(token)


def page_link_ids(html: str) -> set[str]:
    """Ids of the pages linked from one rich text source, as Wagtail's rewriter reads them."""
    ids = set()
    for attr_string in FIND_A_TAG.findall(html):
        attrs = extract_attrs(attr_string)
        if attrs.get("linktype") == "page" and attrs.get("id", "").isdigit():
            ids.add(attrs["id"])
    return ids


def _strings(raw: Any) -> Iterator[str]:
    if isinstance(raw, str):
        yield raw
    elif isinstance(raw, dict):
        for value in raw.values():
            yield from _strings(value)
    elif isinstance(raw, list | tuple):
        for value in raw:
            yield from _strings(value)


def _rich_text_sources(obj: Model) -> Iterator[str]:
    """Raw text of every rich text and StreamField already loaded on `obj` (never queries)."""
    deferred = obj.get_deferred_fields()
    for field in obj._meta.concrete_fields:
        if field.attname in deferred:
            continue
        if isinstance(field, RichTextField):
            yield getattr(obj, field.attname) or ""
        elif isinstance(field, StreamField):
            yield from _strings(list(getattr(obj, field.attname).raw_data))


def prime_page_links(*objects: Model) -> None:
    """Load, in one query, every page linked from the rich text of `objects` into the cache.

    Does nothing outside `page_link_cache()`, so a caller can never leave pages behind.
    """
    cache = _linked_pages.get()
    if cache is None:
        return
    ids = {
        page_id
        for obj in objects
        for html in _rich_text_sources(obj)
        for page_id in page_link_ids(html)
    }
    ids -= cache.keys()
    if not ids:
        return
    # Same pages Wagtail's handler would load (drafts included), specific class for its URL
    # rules, but specific fields deferred so all types come back in this one query.
    pages = Page.objects.filter(id__in=ids).defer_streamfields().specific(defer=True)
    found = {str(page.pk): page for page in pages}
    cache.update({page_id: found.get(page_id) for page_id in ids})


def open_cache() -> dict[str, Page | None] | None:
    """The cache of the render in progress (page id -> page or None), or None outside one."""
    return _linked_pages.get()


def serve_with_page_link_cache(
    serve: Callable[..., HttpResponse], request: HttpRequest, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Serve a page whose context primes its links, rendering before the cache closes.

    Page.serve returns an unrendered TemplateResponse; rendering it here rather than later in
    the handler means the rich text is expanded while the cache is still open.
    """
    with page_link_cache():
        response = serve(request, *args, **kwargs)
        if isinstance(response, SimpleTemplateResponse):
            response.render()
        return response
