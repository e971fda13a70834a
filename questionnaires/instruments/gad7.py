"""GAD-7: the seven-item Generalized Anxiety Disorder scale, for anxiety symptoms.

Each item is how often a problem bothered the patient over the last two weeks, 0-3; the
total is 0-21. The wording below is our own paraphrase of each item's meaning, not the
published text.

Missing items: the NHS Data Dictionary's entry for the GAD-7 gives the same rule as for the
PHQ-9: one or two missing items may be counted as the mean of those answered; with more than
two missing the questionnaire is not scored. We prorate that way and round the total to a
whole number, half up.

Bands: Spitzer, Kroenke, Williams and Löwe (2006), 5, 10 and 15 as the lower edges of mild,
moderate and severe anxiety.
"""

from __future__ import annotations

from .base import MENTAL_HEALTH, Band, ChoiceItem, Instrument, Loinc, Method
from .scales import HOW_OFTEN_IN_TWO_WEEKS


def _item(key: str, text: str) -> ChoiceItem:
    return ChoiceItem(key, text, HOW_OFTEN_IN_TWO_WEEKS)


GAD7 = Instrument(
    code="gad7",
    short_title="GAD-7",
    title="Worry and anxiety questionnaire (GAD-7)",
    purpose="Seven questions about worry and anxiety over the last two weeks. It helps your "
    "team see how your anxiety changes over time.",
    licence="GAD-7 © Pfizer Inc., developed by Drs Robert L. Spitzer, Kurt Kroenke, Janet B. "
    "W. Williams, Bernd Löwe and colleagues with an educational grant from Pfizer. No "
    "permission is needed to reproduce, translate, display or share it, so the clinic may use "
    "it freely. The items here are our own paraphrase; the clinic may put in the official "
    "wording (phqscreeners.com), which its free licence allows.",
    discipline=MENTAL_HEALTH,
    instructions="Think about the last 2 weeks. How often has each of these problems "
    "bothered you? Choose one answer for each.",
    items=(
        _item("nervous", "Feeling nervous, anxious or tense"),
        _item("control_worry", "Not being able to stop worrying, or to keep it in check"),
        _item("worry_much", "Worrying too much about lots of different things"),
        _item("relaxing", "Finding it hard to relax"),
        _item("restless", "Feeling so restless that it is hard to sit still"),
        _item("irritable", "Getting annoyed or cross easily"),
        _item("afraid", "Feeling afraid, as if something awful might happen"),
    ),
    method=Method.SUM,
    min_answered=5,
    interval_days=14,
    panel_code=Loinc("69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
    total_code=Loinc(
        "70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]"
    ),
    bands=(
        Band(0, 4, "Minimal anxiety symptoms", "Your answers show few signs of anxiety."),
        Band(5, 9, "Mild anxiety symptoms", "Your answers show some signs of anxiety."),
        Band(
            10,
            14,
            "Moderate anxiety symptoms",
            "Your answers show signs of anxiety. Your team will talk with you about it.",
        ),
        Band(
            15,
            21,
            "Severe anxiety symptoms",
            "Your answers show a lot of anxiety. Your team will contact you soon about support.",
            alerts=True,
        ),
    ),
    sensitive=True,
)
