"""Scoring every instrument against worked examples (totals computed by hand in the
comments), missing items and the minimum-answered rule, and answers that cannot be scored."""

from decimal import Decimal

import pytest

from questionnaires.instruments import GAD7, ODI, PEG, PHQ9, PSFS
from questionnaires.scoring import InvalidAnswers, ScoringError, TooFewAnswers, score


def answers_for(instrument, values):
    """Map values (None = not answered) onto the instrument's item keys in order."""
    return dict(zip(instrument.item_keys, values, strict=True))


def activities(*pairs):
    """PSFS answers from (name, rating) pairs, in the activity slots in order."""
    return {
        f"activity_{n}": {"name": name, "rating": rating}
        for n, (name, rating) in enumerate(pairs, 1)
    }


# PHQ-9 --------------------------------------------------------------------------------------


def test_phq9_all_answered_is_the_sum():
    # 1 + 2 + 1 + 2 + 3 + 1 + 0 + 1 + 0 = 11: moderate.
    result = score(PHQ9, answers_for(PHQ9, [1, 2, 1, 2, 3, 1, 0, 1, 0]))
    assert (result.total, result.raw_total, result.answered) == (11, 11, 9)
    assert result.prorated is False
    assert result.band.label == "Moderate depression symptoms"
    assert result.band_alerts is False


def test_phq9_nothing_bothering_scores_zero_and_everything_scores_27():
    assert score(PHQ9, answers_for(PHQ9, [0] * 9)).total == 0
    assert score(PHQ9, answers_for(PHQ9, [3] * 9)).total == 27


def test_phq9_one_missing_item_counts_as_the_mean_of_the_others():
    # 10 points over 8 items: 10 x 9 / 8 = 11.25 -> 11.
    result = score(PHQ9, answers_for(PHQ9, [2, 2, 1, 1, None, 2, 1, 1, 0]))
    assert (result.total, result.raw_total, result.answered, result.prorated) == (11, 10, 8, True)


def test_phq9_two_missing_items_are_prorated():
    # 11 points over 7 items: 11 x 9 / 7 = 14.14 -> 14.
    result = score(PHQ9, answers_for(PHQ9, [2, None, 2, 2, 2, None, 2, 1, 0]))
    assert (result.total, result.answered) == (14, 7)


def test_phq9_a_prorated_half_rounds_up():
    # 4 points over 8 items: 4 x 9 / 8 = 4.5 -> 5, which is mild, not minimal.
    result = score(PHQ9, answers_for(PHQ9, [1, 1, 1, 1, None, 0, 0, 0, 0]))
    assert result.total == 5
    assert result.band.label == "Mild depression symptoms"


def test_phq9_three_missing_items_cannot_be_scored():
    with pytest.raises(TooFewAnswers, match="at least 7 of the 9"):
        score(PHQ9, answers_for(PHQ9, [1, 1, 1, None, None, None, 1, 1, 0]))


def test_phq9_the_self_harm_item_is_never_prorated():
    with pytest.raises(TooFewAnswers, match="question 9"):
        score(PHQ9, answers_for(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, None]))


# GAD-7 --------------------------------------------------------------------------------------


def test_gad7_all_answered_is_the_sum():
    # 3 + 3 + 2 + 2 + 2 + 2 + 1 = 15: severe, which alerts.
    result = score(GAD7, answers_for(GAD7, [3, 3, 2, 2, 2, 2, 1]))
    assert (result.total, result.prorated) == (15, False)
    assert result.band.label == "Severe anxiety symptoms"
    assert result.band_alerts is True
    assert result.safety_fired is False


def test_gad7_one_missing_item_half_rounds_up():
    # 9 points over 6 items: 9 x 7 / 6 = 10.5 -> 11.
    result = score(GAD7, answers_for(GAD7, [2, 2, 1, 1, 2, None, 1]))
    assert (result.total, result.answered, result.prorated) == (11, 6, True)


def test_gad7_two_missing_items_are_prorated():
    # 6 points over 5 items: 6 x 7 / 5 = 8.4 -> 8.
    assert score(GAD7, answers_for(GAD7, [None, 2, 1, 1, 1, None, 1])).total == 8


def test_gad7_three_missing_items_cannot_be_scored():
    with pytest.raises(TooFewAnswers, match="at least 5 of the 7"):
        score(GAD7, answers_for(GAD7, [None, None, None, 1, 1, 1, 1]))


# PEG ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "mean"),
    [
        ([6, 7, 5], Decimal("6.0")),  # 18 / 3
        ([3, 4, 4], Decimal("3.7")),  # 11 / 3 = 3.67
        ([2, 2, 3], Decimal("2.3")),  # 7 / 3 = 2.33
        ([1, 0, 0], Decimal("0.3")),  # 1 / 3 = 0.33
        ([0, 0, 0], Decimal("0.0")),
        ([10, 10, 10], Decimal("10.0")),
    ],
)
def test_peg_is_the_mean_to_one_decimal(values, mean):
    result = score(PEG, answers_for(PEG, values))
    assert result.total == mean
    assert str(result.total) == str(mean)
    assert result.band is None


def test_peg_needs_all_three_answers():
    with pytest.raises(TooFewAnswers, match="all 3"):
        score(PEG, answers_for(PEG, [5, None, 5]))


# PSFS ---------------------------------------------------------------------------------------


def test_psfs_is_the_mean_of_the_activities_rated():
    # (3 + 4 + 6) / 3 = 4.33 -> 4.3
    result = score(
        PSFS, activities(("Climbing stairs", 3), ("Lifting my son", 4), ("Gardening", 6))
    )
    assert (result.total, result.answered, result.raw_total) == (Decimal("4.3"), 3, 13)
    assert result.band is None


def test_psfs_with_one_activity_is_that_rating():
    assert score(PSFS, activities(("Running", 7))).total == Decimal("7.0")


def test_psfs_five_activities():
    # (1 + 2 + 2 + 2 + 2) / 5 = 1.8
    pairs = [("Stairs", 1), ("Lifting", 2), ("Driving", 2), ("Sleeping", 2), ("Cooking", 2)]
    assert score(PSFS, activities(*pairs)).total == Decimal("1.8")


def test_psfs_mean_half_rounds_up():
    # (0 + 0 + 0 + 1) / 4 = 0.25 -> 0.3 (banker's rounding would give 0.2).
    pairs = [("Stairs", 0), ("Lifting", 0), ("Driving", 0), ("Cooking", 1)]
    assert score(PSFS, activities(*pairs)).total == Decimal("0.3")


def test_psfs_empty_slots_do_not_count():
    answers = {"activity_1": None, "activity_2": {"name": "Stairs", "rating": 4}}
    result = score(PSFS, answers)
    assert (result.total, result.answered) == (Decimal("4.0"), 1)


def test_psfs_without_any_activity_cannot_be_scored():
    with pytest.raises(TooFewAnswers, match="at least one activity"):
        score(PSFS, {"activity_1": None})


@pytest.mark.parametrize(
    "answer",
    [
        {"name": "", "rating": 4},
        {"name": "   ", "rating": 4},
        {"name": "x" * 101, "rating": 4},
        {"name": "Stairs", "rating": 11},
        {"name": "Stairs", "rating": "4"},
        {"name": "Stairs"},
        {"name": "Stairs", "rating": 4, "note": "extra"},
        4,
    ],
)
def test_psfs_activity_answers_need_a_name_and_a_number(answer):
    with pytest.raises(InvalidAnswers):
        score(PSFS, {"activity_1": answer})


def test_psfs_activity_name_of_the_longest_length_is_accepted():
    assert score(PSFS, {"activity_1": {"name": "x" * 100, "rating": 4}}).total == Decimal("4.0")


# ODI ----------------------------------------------------------------------------------------


def test_odi_worked_example_all_sections_answered():
    # 16 points out of a possible 50: 32 %.
    result = score(ODI, answers_for(ODI, [3, 1, 2, 2, 1, 2, 1, 0, 2, 2]))
    assert (result.total, result.raw_total, result.answered) == (32, 16, 10)
    assert result.band.label == "Moderate disability"


def test_odi_skipped_section_divides_by_the_points_possible():
    # 16 / 45 x 100 = 35.6 -> 36; two skipped: 16 / 40 = 40.
    assert score(ODI, answers_for(ODI, [3, 1, 2, 2, 1, 2, 2, None, 2, 1])).total == 36
    assert score(ODI, answers_for(ODI, [3, 2, 2, 2, 1, 2, 2, None, 2, None])).total == 40


def test_odi_half_rounds_up():
    # 9 / 40 x 100 = 22.5 -> 23.
    assert score(ODI, answers_for(ODI, [2, 1, 1, 1, 1, 1, 1, None, 1, None])).total == 23


def test_odi_sections_left_out_count_as_skipped_and_the_ends_are_0_and_100():
    # (Kept from patientportal's own ODI tests when the ODI moved onto the engine.)
    answers = answers_for(ODI, [4] * 10)
    del answers["sex_life"]
    assert score(ODI, answers).total == 80  # 36 / 45
    assert score(ODI, answers_for(ODI, [0] * 10)).total == 0
    assert score(ODI, answers_for(ODI, [5] * 10)).total == 100


def test_odi_more_than_two_skipped_sections_cannot_be_scored():
    with pytest.raises(TooFewAnswers, match="at least 8 of the 10 sections"):
        score(ODI, answers_for(ODI, [3, 3, 3, 3, 3, 3, 3, None, None, None]))


# Answers that cannot be scored --------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument", "bad"),
    [(PHQ9, 4), (PHQ9, -1), (GAD7, 4), (PEG, 11), (PEG, -1), (ODI, 6)],
)
def test_values_out_of_range_are_refused(instrument, bad):
    answers = answers_for(instrument, [1] * len(instrument.items))
    answers[instrument.item_keys[0]] = bad
    with pytest.raises(InvalidAnswers, match="question 1 must be between"):
        score(instrument, answers)


@pytest.mark.parametrize("bad", ["2", 2.0, 2.5, True, [2]])
def test_values_that_are_not_whole_numbers_are_refused(bad):
    answers = answers_for(GAD7, [1] * 7)
    answers["relaxing"] = bad
    with pytest.raises(InvalidAnswers, match="question 4 must be a whole number"):
        score(GAD7, answers)


def test_unknown_items_are_refused_by_name():
    answers = answers_for(PHQ9, [0] * 9)
    answers["jogging"] = 1
    with pytest.raises(InvalidAnswers, match="no item called jogging"):
        score(PHQ9, answers)


def test_scoring_errors_are_value_errors_with_plain_messages():
    with pytest.raises(ValueError, match="Please answer") as caught:
        score(PEG, {})
    assert isinstance(caught.value, ScoringError)
