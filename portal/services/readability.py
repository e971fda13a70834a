"""Readability of patient material: Flesch–Kincaid grade via textstat, for a page's text and
for its summary (which listings and search show on its own)."""

from __future__ import annotations

from dataclasses import dataclass

import textstat
from django.conf import settings

from .reading_time import count_text_words
from .text import page_text


def flesch_kincaid_grade(text: str) -> float:
    return round(float(textstat.flesch_kincaid_grade(text)), 1) if text.strip() else 0.0


@dataclass(frozen=True)
class Readability:
    grade: float
    words: int
    target_grade: int

    @property
    def too_hard(self) -> bool:
        return self.grade > self.target_grade

    @property
    def has_text(self) -> bool:
        return self.words > 0


@dataclass(frozen=True)
class SummaryReadability(Readability):
    characters: int
    max_characters: int

    @property
    def too_long(self) -> bool:
        return self.characters > self.max_characters


def text_readability(text: str) -> Readability:
    return Readability(
        grade=flesch_kincaid_grade(text),
        words=count_text_words(text),
        target_grade=settings.PORTAL_TARGET_READING_GRADE,
    )


def page_readability(page, faq_items=None) -> Readability:
    """The text a reader reads below the title (``faq_items``: the FAQ rows as edited, when
    they are not yet the page's own)."""
    return text_readability(page_text(page, faq_items))


def summary_readability(summary: str, max_characters: int) -> SummaryReadability:
    text = " ".join(summary.split())
    base = text_readability(text)
    return SummaryReadability(
        grade=base.grade,
        words=base.words,
        target_grade=base.target_grade,
        characters=len(summary.strip()),
        max_characters=max_characters,
    )
