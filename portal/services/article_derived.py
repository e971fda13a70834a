"""What an article shows that changes only on publish, computed once per live revision.

`article_derived(page, request)` returns an `ArticleDerived`: word count, reading time,
table of contents, topics, JSON-LD, and the body, FAQ and related articles rendered with
their links resolved. For the live page served to readers it comes from Django's cache,
keyed by the page's live revision and the content generation
(portal.services.content_generation), because related articles, link targets and snippet
names change when other content is published; the first reader after a change computes
it. Previews (a draft, an old revision) are always computed afresh from the page in hand.
`compute_article_derived` is the computation itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.safestring import SafeString

from portal.rich_text_links import prime_page_links

from . import content_generation
from .reading_time import count_text_words, minutes_for_words
from .structured_data import faq_page_ld, json_ld_script, medical_web_page_ld
from .text import page_text
from .toc import TocEntry, heading_anchors, table_of_contents

# Bounds how long an entry can outlive a change where the cache is not shared between web
# processes (the local-memory default); with Redis a change retires entries at once.
DERIVED_CACHE_SECONDS = 300


@dataclass(frozen=True)
class ArticleDerived:
    word_count: int
    reading_minutes: int
    toc: tuple[TocEntry, ...]
    has_faq: bool
    topics: tuple
    json_ld: tuple[SafeString, ...]
    body_html: SafeString
    faq_html: SafeString
    related_html: SafeString


def _render(template_name: str, request: HttpRequest, **context) -> SafeString:
    # No context processors: the fragments need only the request (for page URLs).
    return get_template(template_name).render({"request": request, **context})


def compute_article_derived(page, request: HttpRequest) -> ArticleDerived:
    faq_items = list(page.faq_items.all())
    conditions = list(page.conditions.all())
    prime_page_links(page, *faq_items)
    anchors = heading_anchors(page.body)
    words = count_text_words(page_text(page, faq_items))
    structured = [medical_web_page_ld(page, request, conditions), faq_page_ld(faq_items)]
    body_items = [(block, anchors.get(block.id)) for block in page.body]
    return ArticleDerived(
        word_count=words,
        reading_minutes=minutes_for_words(words),
        toc=tuple(table_of_contents(page.body, anchors)),
        has_faq=bool(faq_items),
        topics=tuple(page.topics.all()),
        json_ld=tuple(json_ld_script(data) for data in structured if data),
        body_html=_render(
            "portal/includes/article_body.html", request, page=page, body_items=body_items
        ),
        faq_html=_render("portal/includes/faq.html", request, page=page, faq_items=faq_items),
        related_html=_render(
            "portal/includes/related_articles.html",
            request,
            page=page,
            related_articles=page.related_articles(),
        ),
    )


def _is_live_version(page, request: HttpRequest) -> bool:
    return (
        page.pk is not None
        and page.live
        and page.live_revision_id is not None
        and not getattr(request, "is_preview", False)
    )


def derived_cache_key(page) -> str:
    return (
        f"portal:article-derived:{page.pk}:{page.live_revision_id}:{content_generation.current()}"
    )


def article_derived(page, request: HttpRequest) -> ArticleDerived:
    if not _is_live_version(page, request):
        return compute_article_derived(page, request)
    key = derived_cache_key(page)
    derived = cache.get(key)
    if derived is None:
        derived = compute_article_derived(page, request)
        cache.set(key, derived, DERIVED_CACHE_SECONDS)
    return derived
