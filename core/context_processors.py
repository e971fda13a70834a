"""Template context every page of the site shell shares."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from core.navigation import user_nav_links


def user_navigation(request: HttpRequest) -> dict:
    # Lazy, so a response that never draws the navigation never asks the database.
    return {
        "user_nav_links": SimpleLazyObject(
            lambda: user_nav_links(getattr(request, "user", None), request.path)
        )
    }
