"""What an import writes to an article, in a form that compares equal when a reader would see
no difference: a file imported again unchanged then adds no revision (and no draft).

Left out of the comparison: the block ids Wagtail gives stream blocks and the keys its editor
gives rich text blocks (``data-block-key``), which change on every write.
"""

from __future__ import annotations

import re
from typing import Any

from portal.models import ArticlePage

_BLOCK_KEY = re.compile(r'\sdata-block-key="[^"]*"')


def _without_keys(value: Any) -> Any:
    if isinstance(value, str):
        return _BLOCK_KEY.sub("", value)
    if isinstance(value, dict):
        return {name: _without_keys(child) for name, child in value.items() if name != "id"}
    if isinstance(value, list | tuple):
        return [_without_keys(child) for child in value]
    return value


def _ids(related) -> list[int]:
    return sorted(item.pk for item in related.all())


def imported_fields(page: ArticlePage) -> dict[str, Any]:
    """The fields ``ArticleImporter`` fills, as a reader would compare them."""
    return {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "publish_date": page.publish_date,
        "last_reviewed": page.last_reviewed,
        "next_review_due": page.next_review_due,
        "author": page.author_id,
        "medical_reviewer": page.medical_reviewer_id,
        "key_takeaways": _without_keys(list(page.key_takeaways.raw_data)),
        "body": _without_keys(list(page.body.raw_data)),
        "faq": [(item.question, _without_keys(item.answer)) for item in page.faq_items.all()],
        "related": [link.article_id for link in page.related_article_links.all()],
        "topics": _ids(page.topics),
        "conditions": _ids(page.conditions),
        "contraindications": _ids(page.contraindications),
    }
