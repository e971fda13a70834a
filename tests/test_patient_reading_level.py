"""Patient-facing wording stays at or below the reading grade the clinic aims at (8)."""

import html
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from patientportal.models import RedFlag
from patientportal.odi import BANDS, SECTIONS
from patientportal.services.patients import ACHIEVEMENT_WORDS
from portal.services.readability import flesch_kincaid_grade

TARGET = settings.PORTAL_TARGET_READING_GRADE


def plain_text(markup: str) -> str:
    """Visible text, with list items, headings and paragraphs ending their sentences."""
    markup = re.sub(r"</(li|h1|h2|h3|p|legend|label)>", ". ", markup)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


def main_text(markup: str) -> str:
    return plain_text(markup[markup.index("<main") : markup.index("</main>")])


@pytest.mark.parametrize(
    ("what", "text"),
    [
        (
            "red-flag box",
            lambda: plain_text(render_to_string("patientportal/includes/red_flags_box.html", {})),
        ),
        (
            "urgent-care page",
            lambda: main_text(
                render_to_string(
                    "patientportal/urgent.html",
                    {"check_in": SimpleNamespace(red_flag_labels=[RedFlag.BLADDER_OR_BOWEL.label])},
                )
            ),
        ),
        ("red-flag questions", lambda: ". ".join(RedFlag.labels) + "."),
        ("ODI statements", lambda: " ".join(o for s in SECTIONS for o in s.options)),
        ("ODI results", lambda: " ".join(band.patient_text for band in BANDS)),
        ("goal progress words", lambda: ". ".join(ACHIEVEMENT_WORDS.values()) + "."),
    ],
)
def test_patient_wording_is_plain(what, text):
    grade = flesch_kincaid_grade(text())
    assert grade <= TARGET, f"{what} reads at grade {grade}"
