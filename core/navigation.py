"""The links in the main navigation that depend on who is logged in.

They come from the areas the user belongs to (``core.areas``), in the areas' order, so the
shell draws them without knowing which app serves which page. A link may show a count
beside its label ("Messages (2)"): the app that serves it registers a function of the user
with ``register_link_count`` from its ``AppConfig.ready()``; it costs what it reads (one
query, say) on each page that draws the navigation for someone who has the link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from core.areas import user_areas

if TYPE_CHECKING:
    from core.areas import AnyUser


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: str = ""  # the aria-current value: "page" on the page itself, "true" below it
    count: int = 0  # shown beside the label when not 0 (unread messages, say)


# Counts shown beside links, by URL name: a function of the logged-in user.
_link_counts: dict[str, Callable[[Any], int]] = {}


def register_link_count(url_name: str, count: Callable[[Any], int]) -> None:
    """Show ``count(user)`` beside the link to ``url_name`` (when not 0); registering the
    same URL name again replaces it (ready() may rerun)."""
    _link_counts[url_name] = count


def _link(label: str, url_name: str, path: str, user: Any) -> NavLink:
    url = reverse(url_name)
    counter = _link_counts.get(url_name)
    count = counter(user) if counter is not None else 0
    if path == url:
        return NavLink(label, url, "page", count)
    return NavLink(label, url, "true" if path.startswith(url) else "", count)


def user_nav_links(user: AnyUser | None, path: str = "") -> list[NavLink]:
    """Each of the user's areas adds its links: patients their own pages, providers their care
    plans, editors and reviewers the CMS. Anonymous visitors cost no query, a logged-in user
    one (see ``user_areas``)."""
    return [
        _link(label, url_name, path, user)
        for area in user_areas(user)
        for label, url_name in area.links
    ]
