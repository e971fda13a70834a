"""PHQ-9: the nine-item Patient Health Questionnaire, for depression symptoms.

Each item is how often a problem bothered the patient over the last two weeks, 0-3; the
total is 0-27. The wording below is our own paraphrase of each item's meaning, not the
published text (the project's rule: all content in our own words). The unscored tenth
question (how hard the problems made daily life) is left out.

Missing items: the NHS Data Dictionary's entry for the PHQ-9 (following the PHQ screeners'
guidance) lets one or two missing items be counted as the mean of those answered; with more
than two missing the questionnaire is not scored. We prorate that way and round the total to
a whole number, half up. Item 9 is never prorated: it is the self-harm item, so it must be
answered (``required``) for the safety check to mean anything.

Bands: Kroenke, Spitzer and Williams (2001), 5, 10, 15 and 20 as the lower edges of mild,
moderate, moderately severe and severe.
"""

from __future__ import annotations

from .base import (
    MENTAL_HEALTH,
    Band,
    ChoiceItem,
    Instrument,
    Loinc,
    Method,
    SafetyItem,
)
from .scales import HOW_OFTEN_IN_TWO_WEEKS


def _item(key: str, text: str, *, required: bool = False) -> ChoiceItem:
    return ChoiceItem(key, text, HOW_OFTEN_IN_TWO_WEEKS, required=required)


PHQ9 = Instrument(
    code="phq9",
    short_title="PHQ-9",
    title="Mood questionnaire (PHQ-9)",
    purpose="Nine questions about low mood over the last two weeks. It helps your team see "
    "how your mood changes over time.",
    licence="PHQ-9 © Pfizer Inc., developed by Drs Robert L. Spitzer, Janet B. W. Williams, "
    "Kurt Kroenke and colleagues with an educational grant from Pfizer. No permission is "
    "needed to reproduce, translate, display or share it, so the clinic may use it freely. "
    "The items here are our own paraphrase; the clinic may put in the official wording "
    "(phqscreeners.com), which its free licence allows.",
    discipline=MENTAL_HEALTH,
    instructions="Think about the last 2 weeks. How often has each of these problems "
    "bothered you? Choose one answer for each.",
    items=(
        _item("interest", "Having little interest in doing things, or little joy in them"),
        _item("mood", "Feeling low, sad or without hope"),
        _item("sleep", "Trouble getting to sleep or staying asleep, or sleeping too much"),
        _item("energy", "Feeling tired or having little energy"),
        _item("appetite", "Not wanting to eat, or eating too much"),
        _item(
            "self_worth",
            "Feeling bad about yourself, or that you have failed or let yourself or your "
            "family down",
        ),
        _item(
            "concentration",
            "Finding it hard to keep your mind on things, like reading or watching TV",
        ),
        _item(
            "movement",
            "Moving or talking so slowly that others could notice. Or the opposite: being so "
            "restless that you move around much more than usual",
        ),
        _item(
            "self_harm",
            "Thinking you would be better off dead, or thinking of hurting yourself in some way",
            required=True,
        ),
    ),
    method=Method.SUM,
    min_answered=7,
    interval_days=14,
    panel_code=Loinc("44249-1", "PHQ-9 quick depression assessment panel [Reported.PHQ]"),
    total_code=Loinc(
        "44261-6", "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]"
    ),
    bands=(
        Band(
            0,
            4,
            "Minimal depression symptoms",
            "Your answers show few signs of low mood.",
        ),
        Band(5, 9, "Mild depression symptoms", "Your answers show some signs of low mood."),
        Band(
            10,
            14,
            "Moderate depression symptoms",
            "Your answers show signs of low mood. Your team will talk with you about it.",
        ),
        Band(
            15,
            19,
            "Moderately severe depression symptoms",
            "Your answers show many signs of low mood. Your team will talk with you about support.",
        ),
        Band(
            20,
            27,
            "Severe depression symptoms",
            "Your answers show a lot of low mood. Your team will contact you soon about support.",
            alerts=True,
        ),
    ),
    safety_items=(
        SafetyItem(
            "self_harm",
            frozenset({0}),
            "Thoughts of being better off dead or of self-harm",
        ),
    ),
    sensitive=True,
)
