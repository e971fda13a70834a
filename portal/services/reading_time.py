"""Word count and reading time, counted like Wagtail's editor (238 words a minute)."""

import math
import re

from django.conf import settings

from .text import page_text

_WORD = re.compile(r"[\w’'-]+")


def count_text_words(text: str) -> int:
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))


def count_words(page) -> int:
    """Words in the body, key takeaways and FAQ; the title is not counted."""
    return count_text_words(page_text(page))


def minutes_for_words(words: int) -> int:
    return max(1, math.ceil(words / settings.PORTAL_WORDS_PER_MINUTE))


def reading_time_minutes(page) -> int:
    return minutes_for_words(count_words(page))
