"""Unit tests for the small content services."""

import datetime

from django.utils import timezone

from portal.services.readability import flesch_kincaid_grade
from portal.services.reading_time import count_text_words, minutes_for_words
from portal.services.text import as_sentence, html_chunks, html_to_text
from portal.templatetags.portal_tags import relative_date


def test_html_chunks_split_paragraphs_and_list_items():
    markup = "<p>One <b>two</b>.</p><ul><li>Three</li><li>Four &amp; five</li></ul>"
    assert html_chunks(markup) == ["One two.", "Three", "Four & five"]
    assert html_to_text(markup) == "One two. Three Four & five"


def test_headings_and_list_items_count_as_sentence_ends():
    assert as_sentence("Why it hurts") == "Why it hurts."
    assert as_sentence("Does it hurt?") == "Does it hurt?"
    run_on = "Why it hurts Walk a bit each day"
    split = "Why it hurts. Walk a bit each day."
    assert flesch_kincaid_grade(split) < flesch_kincaid_grade(run_on)


def test_word_count_ignores_punctuation_and_keeps_contractions():
    assert count_text_words("Don't stretch — it's not the answer. 3 steps!") == 8


def test_reading_time_rounds_up_at_238_words_a_minute():
    assert minutes_for_words(0) == 1
    assert minutes_for_words(238) == 1
    assert minutes_for_words(239) == 2
    assert minutes_for_words(238 * 18) == 18


def test_empty_text_has_grade_zero():
    assert flesch_kincaid_grade("   ") == 0.0


def test_relative_date():
    today = timezone.localdate()
    assert relative_date(today) == "today"
    assert relative_date(today - datetime.timedelta(days=1)) == "yesterday"
    assert relative_date(today - datetime.timedelta(days=21)) == "3\xa0weeks ago"
    assert relative_date(None) == ""
