"""Thousands of published articles in seconds: copies of the articles already live, written
as the rows Wagtail's own create-and-publish leaves behind, in bulk.

Importing through the Markdown importer costs about 0.3 s an article (parsing, a revision
saved and published one page at a time, then ``update_index``): 2,000 would take ten minutes.
``copy_articles`` writes, per batch, the same rows that importing and publishing write for
each page:

- the tree row (``wagtailcore_page``: treebeard path under /articles/, ``url_path``, live,
  first and last published, a new ``translation_key``) and the article row (``ArticlePage``'s
  own table, multi-table inheritance), then the parent's ``numchild``;
- the page's FAQ items, related-article links, topics, conditions and contraindications, as
  the template article has them;
- one revision holding ``serializable_data()`` of the stored page, set as the page's latest
  and live revision, and the log entries of a create, an edit and a publish;
- the reference index (the links to images, snippets and pages the admin's "usage" shows)
  and the search index entry (the search backend's ``add_bulk``).

No signals are sent (nothing is published one by one): whoever calls this purges caches that
could hold the article list (the bench starts its web stack afterwards on an emptied cache).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision
from wagtail.search.backends import get_search_backend

from portal.models import ArticleFaqItem, ArticleIndexPage, ArticlePage, ArticleRelatedArticle

BATCH_SIZE = 250
# Related rows copied from the template article, and the through tables of its
# many-to-many fields.
RELATED = ("faq_items", "related_article_links", "topics", "conditions", "contraindications")
MANY_TO_MANY = ("topics", "conditions", "contraindications")
# Page fields that each copy gets afresh rather than from its template.
FRESH_PAGE_FIELDS = frozenset(
    {
        "id",
        "path",
        "numchild",
        "translation_key",
        "title",
        "draft_title",
        "slug",
        "url_path",
        "live",
        "has_unpublished_changes",
        "first_published_at",
        "last_published_at",
        "latest_revision_created_at",
        "live_revision",
        "latest_revision",
        "locked",
        "locked_at",
        "locked_by",
        "go_live_at",
        "expire_at",
        "expired",
        "alias_of",
        "content_type",
    }
)
# Log entries of an imported and published article, oldest first: (action, with revision).
LOG_ACTIONS = (("wagtail.create", False), ("wagtail.edit", True), ("wagtail.publish", True))


def copy_title(title: str, number: int) -> str:
    return f"{title} (copy {number})"


def copy_slug(slug: str, number: int) -> str:
    return f"{slug}-copy-{number}"


def templates() -> list[ArticlePage]:
    """The live articles copies are made from, with what a copy repeats."""
    return list(
        ArticlePage.objects.live()
        .filter(alias_of__isnull=True)
        .order_by("path")
        .prefetch_related(*RELATED)
    )


def copy_articles(count: int, *, published_over: datetime.timedelta) -> list[int]:
    """``count`` new live articles under /articles/, each a copy of one live article in turn
    (numbered after the copies already there), first published at even steps over
    ``published_over`` up to now; their page ids."""
    sources = templates()
    if count <= 0 or not sources:
        return []
    parent = ArticleIndexPage.objects.order_by("path").first()
    first_number = ArticlePage.objects.filter(slug__contains="-copy-").count() + 1
    now = timezone.now()
    step = published_over / count
    created: list[int] = []
    for start in range(0, count, BATCH_SIZE):
        numbers = range(first_number + start, first_number + min(start + BATCH_SIZE, count))
        moments = [now - step * (count - (number - first_number)) for number in numbers]
        with transaction.atomic():
            parent = ArticleIndexPage.objects.select_for_update().get(pk=parent.pk)
            created += _copy_batch(parent, sources, numbers, moments)
    return created


def _next_steps(parent: Page, how_many: int) -> list[str]:
    last = parent.get_children().aggregate(last=Max("path"))["last"]
    first = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
    return [
        Page._get_path(parent.path, parent.depth + 1, step)
        for step in range(first, first + how_many)
    ]


def _copy_batch(
    parent: ArticleIndexPage,
    sources: Sequence[ArticlePage],
    numbers: range,
    moments: Sequence[datetime.datetime],
) -> list[int]:
    article_type = ContentType.objects.get_for_model(ArticlePage)
    chosen = [sources[number % len(sources)] for number in numbers]
    paths = _next_steps(parent, len(numbers))
    tree_rows = Page.objects.bulk_create(
        _tree_row(source, parent, number, path, moment, article_type)
        for source, number, path, moment in zip(chosen, numbers, paths, moments, strict=True)
    )
    _insert_article_rows(
        ArticlePage(page_ptr_id=row.pk, publish_date=moment.date(), **_article_values(source))
        for row, source, moment in zip(tree_rows, chosen, moments, strict=True)
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(tree_rows))
    pairs = [(row.pk, source) for row, source in zip(tree_rows, chosen, strict=True)]
    _copy_related(pairs)
    ids = [row.pk for row in tree_rows]
    pages = list(ArticlePage.objects.filter(pk__in=ids).order_by("pk").prefetch_related(*RELATED))
    _publish_revisions(pages, article_type)
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)
    get_search_backend().add_bulk(ArticlePage, pages)
    return ids


def _tree_row(
    source: ArticlePage,
    parent: ArticleIndexPage,
    number: int,
    path: str,
    moment: datetime.datetime,
    article_type: ContentType,
) -> Page:
    values = {
        field.attname: getattr(source, field.attname)
        for field in Page._meta.concrete_fields
        if field.name not in FRESH_PAGE_FIELDS
    }
    slug = copy_slug(source.slug, number)
    title = copy_title(source.title, number)
    return Page(
        **values,
        path=path,
        numchild=0,
        translation_key=uuid.uuid4(),
        title=title,
        draft_title=title,
        slug=slug,
        url_path=f"{parent.url_path}{slug}/",
        live=True,
        has_unpublished_changes=False,
        first_published_at=moment,
        last_published_at=moment,
        latest_revision_created_at=moment,
        content_type=article_type,
    )


def _article_values(source: ArticlePage) -> dict:
    """The article table's own columns (not the page's), as the template has them."""
    return {
        field.attname: getattr(source, field.attname)
        for field in ArticlePage._meta.local_concrete_fields
        if field.name not in {"page_ptr", "publish_date"}
    }


def _insert_article_rows(rows: Iterable[ArticlePage]) -> None:
    """INSERT into ArticlePage's own table only: Django's ``bulk_create`` refuses models with
    a concrete parent, whose row (``wagtailcore_page``) is already written here."""
    fields = ArticlePage._meta.local_concrete_fields
    ArticlePage.objects.all()._batched_insert(list(rows), fields, batch_size=BATCH_SIZE)


def _copy_related(pairs: Sequence[tuple[int, ArticlePage]]) -> None:
    ArticleFaqItem.objects.bulk_create(
        ArticleFaqItem(
            page_id=page_id, sort_order=item.sort_order, question=item.question, answer=item.answer
        )
        for page_id, source in pairs
        for item in source.faq_items.all()
    )
    ArticleRelatedArticle.objects.bulk_create(
        ArticleRelatedArticle(
            page_id=page_id, sort_order=link.sort_order, article_id=link.article_id
        )
        for page_id, source in pairs
        for link in source.related_article_links.all()
    )
    for name in MANY_TO_MANY:
        through = getattr(ArticlePage, name).through
        target = getattr(ArticlePage, name).field.m2m_reverse_field_name()
        source_column = getattr(ArticlePage, name).field.m2m_field_name()
        through.objects.bulk_create(
            through(**{f"{source_column}_id": page_id, f"{target}_id": related.pk})
            for page_id, source in pairs
            for related in getattr(source, name).all()
        )


def _revision_content(page: ArticlePage) -> dict:
    """What ``save_revision`` stores: the page as it stood before publishing."""
    content = page.serializable_data()
    content.update(live=False, has_unpublished_changes=True, live_revision=None)
    return content


def _publish_revisions(pages: Sequence[ArticlePage], article_type: ContentType) -> None:
    """One revision per page, as ``save_revision`` then ``publish`` leave it, and the log
    entries the importer's create, edit and publish write."""
    page_type = ContentType.objects.get_for_model(Page)
    revisions = Revision.objects.bulk_create(
        Revision(
            content_type=article_type,
            base_content_type=page_type,
            object_id=str(page.pk),
            object_str=page.title,
            content=_revision_content(page),
            created_at=page.first_published_at,
        )
        for page in pages
    )
    for page, revision in zip(pages, revisions, strict=True):
        page.live_revision = page.latest_revision = revision
    Page.objects.bulk_update(pages, ["live_revision", "latest_revision"], batch_size=BATCH_SIZE)
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            content_type=article_type,
            page_id=page.pk,
            revision=revision if with_revision else None,
            action=action,
            label=page.title,
            timestamp=page.first_published_at,
            content_changed=True,
            data={},
        )
        for page, revision in zip(pages, revisions, strict=True)
        for action, with_revision in LOG_ACTIONS
    )
