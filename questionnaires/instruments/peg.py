"""PEG: three 0-10 ratings of pain intensity (P), and of how much pain gets in the way of
enjoying life (E) and of general activity (G), over the past week (Krebs and colleagues,
2009, from the Brief Pain Inventory).

The score is the mean of the three, kept to one decimal place so small changes show on the
chart. All three must be answered: the PEG's authors give no rule for missing items.
No bands: the PEG was validated as a continuous score to follow over time, and there are
no accepted severity cut-offs for it. The wording below is our own paraphrase.
"""

from __future__ import annotations

from .base import PAIN_MANAGEMENT, Instrument, Loinc, Method, RatingItem

PEG = Instrument(
    code="peg",
    short_title="PEG",
    title="Pain and daily life (PEG)",
    purpose="Three questions about how bad your pain has been in the past week and how much "
    "it gets in the way of life. It helps your team see how your pain changes over time.",
    licence="PEG scale by Erin E. Krebs and colleagues (J Gen Intern Med, 2009), developed "
    "with US Department of Veterans Affairs funding and free to use without permission. The "
    "items here are our own paraphrase; the clinic may put in the published wording, which "
    "is freely available.",
    discipline=PAIN_MANAGEMENT,
    instructions="Think about the past week. For each question, choose a number from 0 to 10.",
    items=(
        RatingItem(
            "pain",
            "On average, how bad has your pain been?",
            low_label="no pain",
            high_label="pain as bad as you can imagine",
            required=True,
        ),
        RatingItem(
            "enjoyment",
            "How much has pain got in the way of you enjoying life?",
            low_label="not at all",
            high_label="it has stopped me completely",
            required=True,
        ),
        RatingItem(
            "activity",
            "How much has pain got in the way of your day-to-day activities?",
            low_label="not at all",
            high_label="it has stopped me completely",
            required=True,
        ),
    ),
    method=Method.MEAN,
    min_answered=3,
    interval_days=7,
    panel_code=Loinc("91148-7", "Pain intensity, Enjoyment of life, General activity scale [PEG]"),
    total_code=Loinc("91147-9", "Mean score [PEG]"),
    too_few_message="Please answer all {count} questions.",
)
