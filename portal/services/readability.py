"""Readability of patient material: Flesch–Kincaid grade via textstat."""

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


def page_readability(page) -> Readability:
    text = page_text(page)
    return Readability(
        grade=flesch_kincaid_grade(text),
        words=count_text_words(text),
        target_grade=settings.PORTAL_TARGET_READING_GRADE,
    )
