"""Which red flags a patient's message names: the check-in's list (``RedFlag``), and words of
self-harm (``SELF_HARM_IN_MESSAGE``), found by plain word matching.

Matching is case-insensitive, on whole words (so "numbers" is not "numb"), with the
simple variants a patient writes: "numb", "numbness", "tingling", "can't feel my legs",
"no feeling in my feet", "my legs buckled", "I can't walk" (the leg flag); "bladder",
"bowels", "wet myself", "couldn't pass urine", numbness around the bottom, groin or genitals
or between the legs (the bladder-or-bowel flag, as the check-in words it, and not the leg
flag too); "lost control" only near a word for the toilet ("lost control of my temper" is
nothing); a fall ("fell", "fall", "tripped") counts only together with severe pain in the
same message, and pain "all the time" only with rest or the night; words of self-harm
("take my own life", "wish I was dead", "overdose", "better off without me", "cut myself")
but not "cut my hair" or "hurt my back". It leans towards finding too much: a message that
only seems to name a red flag shows the urgent advice and raises an alert the team closes
with "no action needed"; one that was missed would wait for someone to read it.
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
# Up to four words between, none of them a leg word: "numb between my legs" names the saddle
# area only, "numb legs and bottom" names both.
_NEAR_NOT_LEGS = rf"(?:\W+(?!{_LEGS}\b)\w+){{0,4}}?\W+"
_CANNOT = r"(?:can'?t|cannot|can not|couldn'?t|could not)"
_NO_FEELING = (
    rf"(?:numb(?:ness|ed)?|tingl(?:e|es|ing|y)|pins and needles|no (?:feeling|sensation)"
    rf"|{_CANNOT} feel)"
)
# The saddle area (the check-in's "numbness around your bottom or genitals"); "the bottom of
# my foot" is a foot.
_SADDLE_AREA = (
    r"(?:bottom(?!\W+of\b)|bum|buttocks?|backside|groin|genitals?|private parts|privates"
    r"|back passage|anus|perineum|between (?:my|the|your) legs)"
)
# The words a patient uses for going to the toilet: "lost control" counts only near one.
_CONTINENCE = (
    r"(?:bladder|bowels?|toilet|loo|wees?|weeing|pee|peeing|poos?|pooing|poop|urine"
    r"|urinating|waterworks|pants|knickers)"
)
_LOSS_OF_CONTROL = r"(?:lost|los(?:e|es|ing)|no) control"
_IN_THE_SENTENCE = r"(?:\W+\w+){0,6}?\W+"  # up to six words between


def _saddle(near: str) -> re.Pattern[str]:
    return _words(
        rf"{_NO_FEELING}{near}{_SADDLE_AREA}",
        rf"{_SADDLE_AREA}{near}{_NO_FEELING}",
    )


# Numbness of the saddle area is the bladder-or-bowel flag; taken out of the text before
# the leg signs are looked for, so that its "numb" does not raise the leg flag too.
SADDLE = _saddle(_NEAR)
SADDLE_NOT_LEGS = _saddle(_NEAR_NOT_LEGS)

LEG_SIGNS = (
    _words(
        r"numb(?:ness|ed)?",
        r"tingl(?:e|es|ing|y)",
        r"pins and needles",
        r"dead legs?",
        rf"{_CANNOT}{_NEAR}(?:feel|move|lift){_NEAR}{_LEGS}",
        rf"no (?:feeling|sensation){_NEAR}{_LEGS}",
        rf"{_LEGS}{_NEAR}(?:gave|give|giving|gone|going) (?:way|out|weak)",
        rf"{_LEGS}{_NEAR}buckl(?:e|ed|es|ing)",
        rf"buckl(?:e|ed|es|ing){_NEAR}{_LEGS}",
        rf"weak(?:ness|ened)?{_NEAR}{_LEGS}",
        rf"{_LEGS}{_NEAR}(?:weak|weaker|weakness)",
        rf"{_CANNOT} (?:(?:even|really|properly) )?walk(?:ing)?",
        r"unable to walk",
    ),
)
BLADDER_OR_BOWEL_SIGNS = (
    _words(
        r"bladder",
        r"bowels?",
        r"incontinen(?:t|ce)",
        rf"{_LOSS_OF_CONTROL}{_IN_THE_SENTENCE}{_CONTINENCE}",
        rf"{_CONTINENCE}{_IN_THE_SENTENCE}{_LOSS_OF_CONTROL}",
        r"(?:peed|pooed|pood|soiled|wet) myself",
        r"wet the bed",
        rf"{_CANNOT}{_NEAR}(?:pee|wee|urinate)",
        rf"{_CANNOT}{_NEAR}pass(?:ing)? (?:urine|water)",
        r"saddle",
    ),
    SADDLE,
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
    r"tak(?:e|ing) my (?:own )?life",
    r"better off dead",
    r"better off without me",
    r"wish(?:ed)? I (?:was|were) dead",
    r"suicid(?:e|al)",
    r"overdos(?:e|ed|es|ing)",
    r"(?:cut|cutting|hurt|hurting|harm|harming) myself",
    r"self[- ]?harm(?:ing)?",
    r"want(?:ed)? to die",
    r"(?:don'?t|do not) want to (?:be alive|live|wake up|be here|go on)",
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
    if _any(LEG_SIGNS, SADDLE_NOT_LEGS.sub(" ", text)):
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
