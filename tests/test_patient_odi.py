"""ODI v2.1a scoring against worked examples (Fairbank & Pynsent's method)."""

import pytest

from patientportal.odi import (
    BANDS,
    SECTION_KEYS,
    SECTIONS,
    OdiScoringError,
    band_for,
    score_odi,
)


def answers_from(values):
    """Map a list of ten scores (None = skipped) onto the section keys in order."""
    return dict(zip(SECTION_KEYS, values, strict=True))


def test_ten_sections_each_with_six_statements():
    assert len(SECTIONS) == 10
    assert all(len(section.options) == 6 for section in SECTIONS)
    assert len(set(SECTION_KEYS)) == 10


def test_no_difficulty_anywhere_scores_zero():
    result = score_odi(answers_from([0] * 10))
    assert (result.score, result.answered_sections, result.raw_total) == (0, 10, 0)


def test_worst_answer_everywhere_scores_one_hundred():
    assert score_odi(answers_from([5] * 10)).score == 100


def test_worked_example_all_sections_answered():
    # 16 points out of a possible 50: 16 / 50 x 100 = 32 %.
    result = score_odi(answers_from([3, 1, 2, 2, 1, 2, 1, 0, 2, 2]))
    assert result.raw_total == 16
    assert result.score == 32


def test_worked_example_one_section_skipped_divides_by_45():
    # The same 16 points with the sex-life section left blank: 16 / 45 x 100 = 35.6 -> 36 %.
    result = score_odi(answers_from([3, 1, 2, 2, 1, 2, 2, None, 2, 1]))
    assert result.answered_sections == 9
    assert result.score == 36


def test_two_sections_skipped_divides_by_40():
    # 16 / 40 x 100 = 40 %.
    result = score_odi(answers_from([3, 2, 2, 2, 1, 2, 2, None, 2, None]))
    assert result.score == 40


def test_missing_keys_count_as_skipped():
    answers = answers_from([4] * 10)
    del answers["sex_life"]
    assert score_odi(answers).score == 80  # 36 / 45


def test_halves_round_up():
    # 9 / 40 x 100 = 22.5 -> 23 (banker's rounding would give 22).
    result = score_odi(answers_from([2, 1, 1, 1, 1, 1, 1, None, 1, None]))
    assert result.score == 23
    # 7 / 45 x 100 = 15.56 -> 16
    assert score_odi(answers_from([1, 1, 1, 1, 1, 1, 1, None, 0, 0])).score == 16


def test_more_than_two_skipped_sections_cannot_be_scored():
    with pytest.raises(OdiScoringError, match="at least 8"):
        score_odi(answers_from([3, 3, 3, 3, 3, 3, 3, None, None, None]))


@pytest.mark.parametrize("bad", [-1, 6, "3", 2.5, True])
def test_out_of_range_or_non_integer_answers_are_refused(bad):
    answers = answers_from([1] * 10)
    answers["walking"] = bad
    with pytest.raises(OdiScoringError):
        score_odi(answers)


def test_unknown_section_is_refused():
    answers = answers_from([1] * 10)
    answers["jogging"] = 2
    with pytest.raises(OdiScoringError, match="jogging"):
        score_odi(answers)


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (0, "Minimal disability"),
        (20, "Minimal disability"),
        (21, "Moderate disability"),
        (40, "Moderate disability"),
        (41, "Severe disability"),
        (60, "Severe disability"),
        (61, "Crippled"),
        (80, "Crippled"),
        (81, "Bed-bound or symptoms overstated"),
        (100, "Bed-bound or symptoms overstated"),
    ],
)
def test_interpretation_bands(score, label):
    assert band_for(score).clinical_label == label


def test_patient_wording_avoids_the_harsh_clinical_labels():
    for band in BANDS:
        text = band.patient_text.lower()
        assert "crippled" not in text
        assert "bed-bound" not in text
        assert "overstated" not in text


def test_bands_cover_every_score_once():
    covered = [score for band in BANDS for score in range(band.low, band.high + 1)]
    assert covered == list(range(101))


def test_result_exposes_its_band():
    result = score_odi(answers_from([5, 4, 4, 4, 3, 3, 3, 3, 3, 3]))
    assert result.score == 70
    assert result.band.clinical_label == "Crippled"
