"""Wagtail's rich text page link handler, reading the pages `portal.rich_text_links` primed.

Registered by portal/wagtail_hooks.py in place of Wagtail's own "page" link type. Apart from
`portal.rich_text_links` because `wagtail.rich_text.pages` needs the app registry ready when
imported, and the page models import that module while the registry is still loading.
"""

from __future__ import annotations

from django.db.models import Model
from wagtail.rich_text.pages import PageLinkHandler

from portal.rich_text_links import open_cache


class CachedPageLinkHandler(PageLinkHandler):
    """Wagtail's page link handler, reading primed pages first."""

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Model]:
        cache = open_cache()
        if cache is None:
            return super().get_many(attrs_list)
        missing = [attrs for attrs in attrs_list if str(attrs.get("id")) not in cache]
        if missing:
            loaded = super().get_many(missing)
            cache.update(
                {str(attrs.get("id")): page for attrs, page in zip(missing, loaded, strict=True)}
            )
        return [cache[str(attrs.get("id"))] for attrs in attrs_list]
