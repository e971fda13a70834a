"""The links in the main navigation that depend on who is logged in.

They come from the areas the user belongs to (``core.areas``), in the areas' order, so the
shell draws them without knowing which app serves which page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse

from core.areas import user_areas

if TYPE_CHECKING:
    from core.areas import AnyUser


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: str = ""  # the aria-current value: "page" on the page itself, "true" below it


def _link(label: str, url_name: str, path: str) -> NavLink:
    url = reverse(url_name)
    if path == url:
        return NavLink(label, url, "page")
    return NavLink(label, url, "true" if path.startswith(url) else "")


def user_nav_links(user: AnyUser | None, path: str = "") -> list[NavLink]:
    """Each of the user's areas adds its links: patients their own pages, providers their care
    plans, editors and reviewers the CMS. Anonymous visitors cost no query, a logged-in user
    one (see ``user_areas``)."""
    return [
        _link(label, url_name, path) for area in user_areas(user) for label, url_name in area.links
    ]
