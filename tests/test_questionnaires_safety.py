"""The PHQ-9's self-harm item: any answer other than "not at all" sets it off, whatever the
total, and it is known even when the rest of the answers cannot be scored."""

import pytest

from questionnaires.forms import QuestionnaireForm
from questionnaires.instruments import GAD7, INSTRUMENTS, PHQ9
from questionnaires.scoring import TooFewAnswers, safety_concerns, score


def phq9(self_harm, others=0):
    answers = dict.fromkeys(PHQ9.item_keys, others)
    answers["self_harm"] = self_harm
    return answers


def test_not_at_all_on_the_self_harm_item_sets_nothing_off():
    result = score(PHQ9, phq9(0, others=3))
    assert result.total == 24
    assert result.safety_fired is False
    assert result.safety_items == ()


@pytest.mark.parametrize("answer", [1, 2, 3])
def test_any_other_answer_sets_it_off_even_with_a_low_total(answer):
    result = score(PHQ9, phq9(answer))
    assert result.total == answer
    assert result.band.label == "Minimal depression symptoms"
    assert result.band_alerts is False
    assert result.safety_fired is True
    assert [safety.item_key for safety in result.safety_items] == ["self_harm"]
    assert result.safety_items[0].concern


def test_it_is_known_even_when_too_few_items_are_answered():
    answers = {"interest": 1, "self_harm": 2}
    with pytest.raises(TooFewAnswers):
        score(PHQ9, answers)
    assert [safety.item_key for safety in safety_concerns(PHQ9, answers)] == ["self_harm"]


def test_a_bad_value_elsewhere_does_not_hide_it():
    answers = phq9(1)
    answers["mood"] = 9
    assert len(safety_concerns(PHQ9, answers)) == 1


@pytest.mark.parametrize("answers", [{}, {"self_harm": None}, {"self_harm": 0}, {"self_harm": 7}])
def test_nothing_is_set_off_without_a_valid_worrying_answer(answers):
    assert safety_concerns(PHQ9, answers) == ()


def test_the_form_reports_it_even_when_it_is_not_valid():
    form = QuestionnaireForm({"interest": "1", "self_harm": "3"}, instrument=PHQ9)
    assert not form.is_valid()
    assert "at least 7 of the 9" in str(form.non_field_errors())
    assert [safety.item_key for safety in form.safety_concerns()] == ["self_harm"]


def test_the_form_reports_nothing_for_not_at_all():
    data = dict.fromkeys(PHQ9.item_keys, "0")
    form = QuestionnaireForm(data, instrument=PHQ9)
    assert form.is_valid()
    assert form.safety_concerns() == ()
    assert form.result.safety_fired is False


def test_the_self_harm_item_is_the_only_safety_item_and_must_be_answered():
    safety = {
        (instrument.code, item.item_key)
        for instrument in INSTRUMENTS.values()
        for item in instrument.safety_items
    }
    assert safety == {("phq9", "self_harm")}
    assert PHQ9.item("self_harm").required
    assert safety_concerns(GAD7, dict.fromkeys(GAD7.item_keys, 3)) == ()
