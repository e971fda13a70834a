"""Oswestry Disability Index (ODI) version 2.1a: questions in plain words and scoring.

Each of the ten sections has six statements scored 0 (no difficulty) to 5 (most difficulty).
The index is the points scored as a share of the points possible for the sections the person
answered, as a whole-number percentage, so a skipped section does not count against them.
The wording below is our own paraphrase of each section's meaning, not the licensed text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MAX_SECTION_SCORE = 5
# Scoring guidance: with more than two sections left blank the index is not reliable.
MAX_SKIPPED_SECTIONS = 2


@dataclass(frozen=True)
class OdiSection:
    key: str
    title: str
    options: tuple[str, ...]  # index in the tuple is the score


SECTIONS: tuple[OdiSection, ...] = (
    OdiSection(
        "pain_intensity",
        "How strong your pain is right now",
        (
            "I have no pain at the moment.",
            "My pain is very mild at the moment.",
            "My pain is moderate at the moment.",
            "My pain is fairly severe at the moment.",
            "My pain is very severe at the moment.",
            "My pain is the worst I can imagine at the moment.",
        ),
    ),
    OdiSection(
        "personal_care",
        "Looking after yourself (washing, dressing)",
        (
            "I can look after myself as usual without extra pain.",
            "I can look after myself as usual, but it hurts a lot.",
            "Looking after myself hurts, so I go slowly and carefully.",
            "I need some help, but I manage most of my own care.",
            "I need help every day with most of my own care.",
            "I cannot get dressed, I wash with difficulty and I stay in bed.",
        ),
    ),
    OdiSection(
        "lifting",
        "Lifting",
        (
            "I can lift heavy things without extra pain.",
            "I can lift heavy things, but it gives me extra pain.",
            "Pain stops me lifting heavy things off the floor, but I can manage them "
            "if they are placed well, for example on a table.",
            "Pain stops me lifting heavy things, but I can manage light to medium things "
            "if they are placed well.",
            "I can lift only very light things.",
            "I cannot lift or carry anything.",
        ),
    ),
    OdiSection(
        "walking",
        "Walking",
        (
            "Pain does not stop me walking any distance.",
            "Pain stops me walking more than about 1.5 kilometres (1 mile).",
            "Pain stops me walking more than about 800 metres (half a mile).",
            "Pain stops me walking more than about 400 metres (a quarter of a mile).",
            "I can only walk with a stick or crutches.",
            "I am in bed most of the time.",
        ),
    ),
    OdiSection(
        "sitting",
        "Sitting",
        (
            "I can sit in any chair for as long as I like.",
            "I can sit in my favourite chair for as long as I like.",
            "Pain stops me sitting for more than an hour.",
            "Pain stops me sitting for more than half an hour.",
            "Pain stops me sitting for more than ten minutes.",
            "Pain stops me sitting at all.",
        ),
    ),
    OdiSection(
        "standing",
        "Standing",
        (
            "I can stand for as long as I like without extra pain.",
            "I can stand for as long as I like, but it gives me extra pain.",
            "Pain stops me standing for more than an hour.",
            "Pain stops me standing for more than half an hour.",
            "Pain stops me standing for more than ten minutes.",
            "Pain stops me standing at all.",
        ),
    ),
    OdiSection(
        "sleeping",
        "Sleeping",
        (
            "Pain never disturbs my sleep.",
            "Pain sometimes disturbs my sleep.",
            "Because of pain I sleep less than 6 hours.",
            "Because of pain I sleep less than 4 hours.",
            "Because of pain I sleep less than 2 hours.",
            "Pain stops me sleeping at all.",
        ),
    ),
    OdiSection(
        "sex_life",
        "Sex life (if this applies to you)",
        (
            "My sex life is normal and gives me no extra pain.",
            "My sex life is normal, but it gives me some extra pain.",
            "My sex life is nearly normal, but it is very painful.",
            "Pain limits my sex life a great deal.",
            "Because of pain I have nearly no sex life.",
            "Pain stops me having any sex life.",
        ),
    ),
    OdiSection(
        "social_life",
        "Social life",
        (
            "My social life is normal and gives me no extra pain.",
            "My social life is normal, but it makes my pain worse.",
            "Pain only affects my more energetic interests, such as sport.",
            "Pain has cut down my social life and I go out less often.",
            "Pain has limited my social life to my home.",
            "Because of pain I have no social life.",
        ),
    ),
    OdiSection(
        "travelling",
        "Travelling",
        (
            "I can travel anywhere without pain.",
            "I can travel anywhere, but it gives me extra pain.",
            "Pain is bad, but I manage journeys of over two hours.",
            "Pain limits me to journeys of less than an hour.",
            "Pain limits me to short, necessary journeys of under half an hour.",
            "Pain stops me travelling except to get medical treatment.",
        ),
    ),
)

SECTION_KEYS: tuple[str, ...] = tuple(section.key for section in SECTIONS)


@dataclass(frozen=True)
class OdiBand:
    low: int
    high: int
    clinical_label: str
    patient_text: str


# The traditional labels for the two highest bands ("crippled", "bed-bound") are kept for the
# care team; patients read gentler words that describe the same level.
BANDS: tuple[OdiBand, ...] = (
    OdiBand(
        0,
        20,
        "Minimal disability",
        "Your back pain has a small effect on daily life.",
    ),
    OdiBand(
        21,
        40,
        "Moderate disability",
        "Your back pain makes some everyday tasks, like sitting, lifting or travelling, harder.",
    ),
    OdiBand(
        41,
        60,
        "Severe disability",
        "Your back pain makes many everyday tasks hard. Your care team will look at this with you.",
    ),
    OdiBand(
        61,
        80,
        "Crippled",
        "Your back pain is affecting most parts of your daily life. "
        "Your care team will talk with you about more support.",
    ),
    OdiBand(
        81,
        100,
        "Bed-bound or symptoms overstated",
        "Your back pain is affecting almost everything you do. "
        "Please talk with your care team soon about how you are coping.",
    ),
)


class OdiScoringError(ValueError):
    """The answers cannot be scored (bad section, bad value or too many skipped)."""


@dataclass(frozen=True)
class OdiResult:
    score: int  # 0-100
    answered_sections: int
    raw_total: int

    @property
    def band(self) -> OdiBand:
        return band_for(self.score)


def band_for(score: int) -> OdiBand:
    for band in BANDS:
        if band.low <= score <= band.high:
            return band
    raise OdiScoringError(f"An ODI score must be between 0 and 100, not {score}.")


def score_odi(answers: Mapping[str, int | None]) -> OdiResult:
    """Score answers keyed by section key; a missing or None value is a skipped section."""
    unknown = set(answers) - set(SECTION_KEYS)
    if unknown:
        raise OdiScoringError(f"Unknown ODI sections: {', '.join(sorted(unknown))}.")
    given = {key: value for key, value in answers.items() if value is not None}
    for key, value in given.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise OdiScoringError(f"The answer to {key} must be a whole number.")
        if not 0 <= value <= MAX_SECTION_SCORE:
            raise OdiScoringError(f"The answer to {key} must be between 0 and 5.")
    skipped = len(SECTION_KEYS) - len(given)
    if skipped > MAX_SKIPPED_SECTIONS:
        raise OdiScoringError(
            f"Please answer at least {len(SECTION_KEYS) - MAX_SKIPPED_SECTIONS} of the "
            f"{len(SECTION_KEYS)} sections so the score means something."
        )
    raw_total = sum(given.values())
    possible = MAX_SECTION_SCORE * len(given)
    percentage = (Decimal(raw_total) * 100 / Decimal(possible)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return OdiResult(score=int(percentage), answered_sections=len(given), raw_total=raw_total)
