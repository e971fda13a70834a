"""Everything an article or treatment page shows beyond its fields, in a fixed few queries.

An article's publish-time parts come from `portal.services.article_derived` (cached per
live revision); a treatment page computes its own on each request.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.rich_text_links import prime_page_links

from .article_derived import article_derived
from .reading_time import count_text_words, minutes_for_words
from .structured_data import faq_page_ld, json_ld_script, medical_web_page_ld
from .text import page_text


def breadcrumbs(page) -> list:
    """Ancestors below the tree root, home first; free when routing cached the parents."""
    crumbs = []
    ancestor = page
    while ancestor.depth > 2:
        if getattr(ancestor, "_cached_parent_obj", None) is None:
            return list(page.get_ancestors().filter(depth__gt=1))
        ancestor = ancestor._cached_parent_obj
        crumbs.append(ancestor)
    return crumbs[::-1]


def _common_context(page, request: HttpRequest, faq_items: list, conditions: list) -> dict:
    prime_page_links(page, *faq_items)
    words = count_text_words(page_text(page, faq_items))
    structured = [medical_web_page_ld(page, request, conditions)]
    faq_ld = faq_page_ld(faq_items)
    if faq_ld:
        structured.append(faq_ld)
    return {
        "word_count": words,
        "reading_minutes": minutes_for_words(words),
        "faq_items": faq_items,
        "conditions": conditions,
        "breadcrumbs": breadcrumbs(page),
        "json_ld": [json_ld_script(data) for data in structured],
    }


def _people(page) -> None:
    """Load author and reviewer with their photos in one query instead of four."""
    fields = type(page)
    if fields.author.is_cached(page) and fields.medical_reviewer.is_cached(page):
        return
    ids = {page.author_id, page.medical_reviewer_id} - {None}
    person_model = fields.author.field.related_model  # both relations point at the same model
    people = {p.pk: p for p in person_model.objects.filter(pk__in=ids).select_related("photo")}
    page.author = people.get(page.author_id)
    page.medical_reviewer = people.get(page.medical_reviewer_id)


def article_page_context(page, request: HttpRequest) -> dict[str, Any]:
    _people(page)
    derived = article_derived(page, request)
    return {
        "word_count": derived.word_count,
        "reading_minutes": derived.reading_minutes,
        "toc": derived.toc,
        "has_faq": derived.has_faq,
        "topics": derived.topics,
        "json_ld": derived.json_ld,
        "body_html": derived.body_html,
        "faq_html": derived.faq_html,
        "related_html": derived.related_html,
        "breadcrumbs": breadcrumbs(page),
    }


def treatment_page_context(page, request: HttpRequest) -> dict[str, Any]:
    _people(page)
    faq_items = list(page.faq_items.all())
    conditions = list(page.conditions.all())
    context = _common_context(page, request, faq_items, conditions)
    context["contraindications"] = list(page.contraindications.all())
    return context
