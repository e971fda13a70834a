"""Pages of a search: ``_count`` results at a time (``DEFAULT_COUNT``, at most
``MAX_COUNT``) from ``_offset``, with a ``next`` link while there are more. The Bundle's
``total`` counts every match; only the page returned is audited as read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.http import urlencode

DEFAULT_COUNT = 100
MAX_COUNT = 200
MAX_OFFSET = 10**6


def _number(params: Mapping[str, str], name: str, default: int, most: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) > most:
        raise ValidationError(f"Search parameter '{name}' must be a whole number up to {most}.")
    return int(text)


@dataclass(frozen=True)
class Page:
    count: int
    offset: int
    total: int

    @classmethod
    def of(cls, params: Mapping[str, str], total: int) -> Page:
        count = _number(params, "_count", DEFAULT_COUNT, MAX_COUNT) or DEFAULT_COUNT
        return cls(count, _number(params, "_offset", 0, MAX_OFFSET), total)

    @property
    def has_next(self) -> bool:
        return self.offset + self.count < self.total

    def link(self, base: str, used: Mapping[str, str], *, next_page: bool = False) -> str:
        paging = {"_count": str(self.count)}
        offset = self.offset + self.count if next_page else self.offset
        if offset:
            paging["_offset"] = str(offset)
        explicit = "_count" in used or next_page or self.offset
        query = {**used, **(paging if explicit else {})}
        return base + (f"?{urlencode(query)}" if query else "")
