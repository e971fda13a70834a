"""PSFS: the Patient-Specific Functional Scale (Stratford and colleagues, 1995).

The patient names up to five activities their problem makes hard and rates each from 0
(cannot do it) to 10 (can do it as well as before the problem). The score is the mean of the
activities rated, to one decimal place; higher is better. The same activities should be
rated each time, so the form offers the names given last time again
(``questionnaires.answers.named_activities``). At least one activity must be rated.

No bands: the PSFS is read as change over time for the same activities, and there are no
accepted severity cut-offs for it. No LOINC code: we found none for the PSFS panel or its
score, so the FHIR export carries our own coding only. The wording is our own.
"""

from __future__ import annotations

from .base import PHYSICAL_THERAPY, ActivityItem, Instrument, Method

ACTIVITY_SLOTS = 5

PSFS = Instrument(
    code="psfs",
    short_title="PSFS",
    title="Activities you find hard (PSFS)",
    purpose="You name up to five activities your problem makes hard, and say how well you "
    "can do each one. It helps you and your team see what gets easier over time.",
    licence="Patient-Specific Functional Scale by Paul Stratford, Carolyn Gill, Mary Westaway "
    "and Joyce Binkley (Physiotherapy Canada, 1995), free to use in clinical care without "
    "permission. The wording here is our own; the clinic may put in the published wording, "
    "which is freely available.",
    discipline=PHYSICAL_THERAPY,
    instructions="Name up to five activities that you cannot do, or find hard, because of "
    "your problem, such as climbing stairs or lifting a child. For each one, choose a number: "
    "0 means you cannot do it at all, 10 means you can do it as well as before the problem "
    "began. Keep the names from last time if they still fit, so you can see change.",
    items=tuple(
        ActivityItem(
            f"activity_{number}",
            f"Activity {number}",
            low_label="I cannot do it at all",
            high_label="as well as before the problem",
        )
        for number in range(1, ACTIVITY_SLOTS + 1)
    ),
    method=Method.MEAN,
    min_answered=1,
    interval_days=14,
    panel_code=None,
    total_code=None,
    higher_is_better=True,
    too_few_message="Please name at least one activity and choose a number for it.",
)
