"""When public content changes, every cached page goes stale at once.

``connect()`` (``PageCacheConfig.ready``) wires the receivers; ``dispatch_uid`` makes
calling it twice harmless.

- Wagtail's ``page_published``, ``page_unpublished`` (also sent when a live page is
  deleted) and ``post_page_move``; ``post_delete`` of any page.
- ``post_save``/``post_delete`` of a page's view restriction (a page made private or public
  again), of a ``Site`` (host names, root page), and of any non-page model of the apps in
  ``PAGECACHE_CONTENT_APPS`` (snippets such as authors and topics, which pages show).

One purge covers the page, its listings, search, the sitemap, the feed and the pages that
link to it, without working out which those are; publishing is rare next to reading, so
re-rendering the rest is cheap. Each purge happens at once and again when the transaction
commits, so a request that read the database between the two cannot keep the old content
as fresh. A page unpublished, deleted or made private (with its subpages) is also withdrawn:
its stale copy is not served even while the database is out of reach.

Not purged: draft saves (the live page has not changed) and redirects (Wagtail's redirects
only answer paths that would be 404, and 404s are never cached). Proxies and CDNs keep
their copies for ``PAGECACHE_MAX_AGE`` seconds (``wagtail.contrib.frontend_cache`` can purge
those too).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from pagecache import conf, store


def purge_now_and_on_commit() -> None:
    store.purge()
    transaction.on_commit(store.purge)


def on_page_published(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    store.reinstate(instance.pk)
    purge_now_and_on_commit()


def on_page_withdrawn(sender: type[Page], instance: Page, **kwargs: Any) -> None:
    store.withdraw([instance.pk])
    purge_now_and_on_commit()


def on_page_moved(sender: type[Page], **kwargs: Any) -> None:
    purge_now_and_on_commit()


def on_restriction_changed(
    sender: type[Model], instance: PageViewRestriction, **kwargs: Any
) -> None:
    """The restricted page and its subpages (or only its id, when the page itself is being
    deleted and took the restriction with it)."""
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        store.withdraw([instance.page_id])
    else:
        subtree = Page.objects.descendant_of(page, inclusive=True)
        store.withdraw(subtree.values_list("pk", flat=True))
    purge_now_and_on_commit()


def on_site_changed(sender: type[Model], **kwargs: Any) -> None:
    purge_now_and_on_commit()


def on_content_changed(sender: type[Model], **kwargs: Any) -> None:
    """Any non-page model of a content app (a snippet, a page's FAQ row) saved or deleted."""
    if sender._meta.app_label in conf.content_apps() and not issubclass(sender, Page):
        purge_now_and_on_commit()


def connect() -> None:
    page_published.connect(on_page_published, dispatch_uid="pagecache-published")
    page_unpublished.connect(on_page_withdrawn, dispatch_uid="pagecache-unpublished")
    post_delete.connect(on_page_withdrawn, sender=Page, dispatch_uid="pagecache-page-deleted")
    post_page_move.connect(on_page_moved, dispatch_uid="pagecache-moved")
    for signal in (post_save, post_delete):
        name = "saved" if signal is post_save else "deleted"
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"pagecache-restriction-{name}",
        )
        signal.connect(on_site_changed, sender=Site, dispatch_uid=f"pagecache-site-{name}")
        signal.connect(on_content_changed, dispatch_uid=f"pagecache-content-{name}")
