"""The ODI on the questionnaire engine scores, refuses and words everything exactly as
patientportal.odi does, so patientportal can switch over safely."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from patientportal import odi as portal_odi
from questionnaires.instruments import ODI
from questionnaires.scoring import ScoringError, score

SECTION = st.one_of(st.none(), st.integers(0, 5))
HOSTILE = st.one_of(SECTION, st.integers(-3, 9), st.sampled_from(["3", 2.5, True, False]))


def both(answers):
    """Each side's (score, sections answered), or the kind of refusal."""
    try:
        portal = portal_odi.score_odi(answers)
        portal_side = (portal.score, portal.answered_sections, portal.raw_total)
    except portal_odi.OdiScoringError:
        portal_side = "refused"
    try:
        ours = score(ODI, answers)
        our_side = (ours.total, ours.answered, ours.raw_total)
    except ScoringError:
        our_side = "refused"
    return portal_side, our_side


@pytest.mark.parametrize(
    "values",
    [
        [0] * 10,
        [5] * 10,
        [3, 1, 2, 2, 1, 2, 1, 0, 2, 2],
        [3, 1, 2, 2, 1, 2, 2, None, 2, 1],
        [3, 2, 2, 2, 1, 2, 2, None, 2, None],
        [2, 1, 1, 1, 1, 1, 1, None, 1, None],
        [1, 1, 1, 1, 1, 1, 1, None, 0, 0],
        [None, None, 5, 5, 5, 5, 5, 5, 5, 5],
        [3, 3, 3, 3, 3, 3, 3, None, None, None],
    ],
)
def test_worked_examples_score_the_same(values):
    portal_side, our_side = both(dict(zip(portal_odi.SECTION_KEYS, values, strict=True)))
    assert portal_side == our_side


@settings(max_examples=400, deadline=None)
@given(st.fixed_dictionaries(dict.fromkeys(portal_odi.SECTION_KEYS, SECTION)))
def test_any_answers_with_skipped_sections_score_the_same(answers):
    portal_side, our_side = both(answers)
    assert portal_side == our_side


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*portal_odi.SECTION_KEYS, "jogging"]), HOSTILE, max_size=11)
)
def test_bad_answers_are_refused_by_both(answers):
    portal_side, our_side = both(answers)
    assert portal_side == our_side


def test_every_reachable_score_falls_in_the_same_band():
    for possible in (40, 45, 50):
        for raw in range(possible + 1):
            sections = possible // 5
            values = [min(5, max(0, raw - 5 * n)) for n in range(sections)]
            values += [None] * (10 - sections)
            answers = dict(zip(portal_odi.SECTION_KEYS, values, strict=True))
            ours = score(ODI, answers)
            assert ours.band.label == portal_odi.score_odi(answers).band.clinical_label


def test_every_percentage_has_the_same_band_and_wording():
    for percentage in range(101):
        portal_band = portal_odi.band_for(percentage)
        our_band = ODI.band_for(percentage)
        assert (our_band.label, our_band.patient_text) == (
            portal_band.clinical_label,
            portal_band.patient_text,
        )


def test_sections_and_statements_are_word_for_word_the_same():
    assert ODI.item_keys == portal_odi.SECTION_KEYS
    for item, section in zip(ODI.items, portal_odi.SECTIONS, strict=True):
        assert item.text == section.title
        assert [(option.value, option.label) for option in item.options] == list(
            enumerate(section.options)
        )


def test_the_too_few_message_is_the_same():
    answers = dict.fromkeys(portal_odi.SECTION_KEYS[:7], 2)
    with pytest.raises(portal_odi.OdiScoringError) as portal_error:
        portal_odi.score_odi(answers)
    with pytest.raises(ScoringError) as our_error:
        score(ODI, answers)
    assert str(our_error.value) == str(portal_error.value)
