"""Which red flags a patient's message names: the check-in's list (``RedFlag``), and words of
self-harm (``SELF_HARM_IN_MESSAGE``), found by plain word matching.

Matching is case-insensitive, on whole words (so "numbers" is not "numb"), with the
simple variants a patient writes: "numb", "numbness", "tingling", "can't feel my legs",
"bladder", "bowels", "lost control", "wet myself"; a fall ("fell", "fall", "tripped") counts
only together with severe pain in the same message, and pain "all the time" only with rest
or the night. It leans towards finding too much: a message that only seems to name a red
flag shows the urgent advice and raises an alert the team closes with "no action needed";
one that was missed would wait for someone to read it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from patientportal.models import SELF_HARM_IN_MESSAGE, RedFlag

_FLAGS = re.IGNORECASE


def _words(*patterns: str) -> re.Pattern[str]:
    """Any of ``patterns``, each between word boundaries."""
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b", _FLAGS)


_NEAR = r"(?:\W+\w+){0,4}?\W+"  # up to four words between
_LEGS = r"(?:legs?|foot|feet|thighs?|calf|calves|knees?)"
_CANNOT = r"(?:can'?t|cannot|can not|couldn'?t|could not)"

LEG_SIGNS = (
    _words(
        r"numb(?:ness|ed)?",
        r"tingl(?:e|es|ing|y)",
        r"pins and needles",
        r"dead legs?",
        rf"{_CANNOT}{_NEAR}(?:feel|move|lift){_NEAR}{_LEGS}",
        rf"{_LEGS}{_NEAR}(?:gave|give|giving|gone|going) (?:way|out|weak)",
        rf"weak(?:ness|ened)?{_NEAR}{_LEGS}",
        rf"{_LEGS}{_NEAR}(?:weak|weaker|weakness)",
    ),
)
BLADDER_OR_BOWEL_SIGNS = (
    _words(
        r"bladder",
        r"bowels?",
        r"incontinen(?:t|ce)",
        r"lost control",
        r"los(?:e|ing) control",
        r"wet (?:myself|the bed)",
        rf"{_CANNOT}{_NEAR}(?:pee|wee|urinate)",
        r"saddle",
    ),
)
FALL = _words(
    r"fell",
    r"falls?",
    r"fallen",
    r"falling",
    r"tripped",
    r"slipped",
    r"accident",
    r"crash(?:ed)?",
)
SEVERE_PAIN = _words(
    r"severe(?:ly)?",
    r"agony",
    r"agonising",
    r"agonizing",
    r"excruciating",
    r"unbearable",
    r"worst pain",
    r"terrible pain",
)
CONSTANT = _words(
    r"constant(?:ly)?",
    r"all the time",
    r"never (?:stops|eases|goes)",
    r"(?:doesn'?t|does not|won'?t|will not|isn'?t|is not|not) (?:ease|easing|eased|go away|stop)",
    r"day and night",
)
AT_REST = _words(r"rest(?:ing)?", r"lying down", r"lie down", r"at night", r"in bed", r"asleep")
SELF_HARM = _words(
    r"kill(?:ing)? myself",
    r"end(?:ing)? (?:my|it) (?:life|all)",
    r"end it",
    r"better off dead",
    r"suicid(?:e|al)",
    r"hurt(?:ing)? myself",
    r"harm(?:ing)? myself",
    r"self[- ]?harm(?:ing)?",
    r"want(?:ed)? to die",
    r"(?:don'?t|do not) want to (?:live|be here|go on)",
    r"no (?:reason|point) (?:in )?(?:living|going on)",
)


def _normalise(text: str) -> str:
    """Curly apostrophes as straight ones, every run of space as one."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split())


def _any(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(pattern.search(text) for pattern in patterns)


def red_flags_in(text: str, *, self_harm: bool = True) -> list[str]:
    """The red flags ``text`` names, in the check-in's order (``RedFlag`` values), then
    ``SELF_HARM_IN_MESSAGE`` if it names self-harm and ``self_harm`` is set."""
    text = _normalise(text or "")
    found = []
    if _any(LEG_SIGNS, text):
        found.append(RedFlag.LEG_NUMBNESS_OR_WEAKNESS.value)
    if _any(BLADDER_OR_BOWEL_SIGNS, text):
        found.append(RedFlag.BLADDER_OR_BOWEL.value)
    if FALL.search(text) and SEVERE_PAIN.search(text):
        found.append(RedFlag.SEVERE_PAIN_AFTER_FALL.value)
    if CONSTANT.search(text) and AT_REST.search(text):
        found.append(RedFlag.CONSTANT_PAIN_NOT_EASED_BY_REST.value)
    if self_harm and SELF_HARM.search(text):
        found.append(SELF_HARM_IN_MESSAGE)
    return found


def urgent_labels(flags: Iterable[str]) -> list[str]:
    """The red flags as the patient reads them in the urgent advice (self-harm has its own
    crisis advice, so it is not listed)."""
    labels = dict(RedFlag.choices)
    return [str(labels[flag]) for flag in flags if flag in labels]
