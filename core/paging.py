"""One page of a list in one query, its count included.

Django's ``Paginator`` asks the database twice for a page: ``COUNT(*)`` to validate the page
number, then the page's rows. ``counted_page`` asks once, reading the count beside the rows
with a window function (``COUNT(*) OVER ()``, computed before ``LIMIT``), and falls back to
``Paginator.get_page`` for anything but a page number in range (a number past the end gets
the last page, nonsense the first). The result is an ordinary ``django.core.paginator.Page``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "paging_total"


class _CountedPaginator(Paginator):
    """A paginator told its count, so it never asks for it."""

    def __init__(self, object_list: QuerySet, per_page: int, count: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # ``count`` is a cached_property


def _positive(number: Any) -> int | None:
    try:
        value = int(number)
    except (TypeError, ValueError):
        return None
    return value if value >= 1 else None


def counted_page(queryset: QuerySet, per_page: int, number: Any) -> Page:
    """Page ``number`` (as a query string gives it; missing means the first) of the ordered
    ``queryset``, ``per_page`` rows a page. Anything but a page number in range is
    answered as ``Paginator.get_page`` answers it, in its two queries."""
    page_number = 1 if number in (None, "") else _positive(number)
    if page_number is None:
        return Paginator(queryset, per_page).get_page(number)
    start = (page_number - 1) * per_page
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[start : start + per_page])
    if not rows and page_number > 1:
        return Paginator(queryset, per_page).get_page(page_number)
    count = getattr(rows[0], TOTAL) if rows else 0
    return Page(rows, page_number, _CountedPaginator(queryset, per_page, count))
