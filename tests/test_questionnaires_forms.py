"""The questionnaire form: its cleaned answers are what ``score()`` takes, bad input gives
field errors and never an exception, and the partial draws every field with a label or a
legend and links each error to its field."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from patientportal.forms import OneTimeKeyForm
from questionnaires.answers import named_activities
from questionnaires.forms import QuestionnaireForm
from questionnaires.instruments import GAD7, INSTRUMENTS, ODI, PEG, PHQ9, PSFS
from questionnaires.scoring import score

PARTIAL = "questionnaires/includes/questionnaire_fields.html"


def posted(instrument, values):
    return {key: str(value) for key, value in zip(instrument.item_keys, values, strict=True)}


# Answers ------------------------------------------------------------------------------------


def test_valid_answers_give_the_mapping_score_takes_and_the_result():
    form = QuestionnaireForm(posted(PHQ9, [1, 2, 1, 2, 3, 1, 0, 1, 0]), instrument=PHQ9)
    assert form.is_valid(), form.errors
    assert form.answers() == dict(zip(PHQ9.item_keys, [1, 2, 1, 2, 3, 1, 0, 1, 0], strict=True))
    assert form.result.total == 11
    assert form.result == score(PHQ9, form.answers())


def test_skipped_items_are_none_and_prorated():
    data = posted(GAD7, [2, 2, 1, 1, 2, 0, 1])
    del data["irritable"]
    form = QuestionnaireForm(data, instrument=GAD7)
    assert form.is_valid(), form.errors
    assert form.answers()["irritable"] is None
    assert (form.result.total, form.result.prorated) == (11, True)


def test_odi_sections_may_be_skipped_up_to_the_limit():
    data = posted(ODI, [3, 1, 2, 2, 1, 2, 2, 0, 2, 1])
    del data["sex_life"]
    form = QuestionnaireForm(data, instrument=ODI)
    assert form.is_valid(), form.errors
    assert form.result.total == 36


def test_psfs_answers_pair_each_name_with_its_number():
    data = {
        "activity_1_name": "  Climbing stairs ",
        "activity_1": "3",
        "activity_2_name": "Lifting my son",
        "activity_2": "4",
        "activity_3_name": "",
        "activity_3": "",
    }
    form = QuestionnaireForm(data, instrument=PSFS)
    assert form.is_valid(), form.errors
    answers = form.answers()
    assert answers["activity_1"] == {"name": "Climbing stairs", "rating": 3}
    assert answers["activity_2"] == {"name": "Lifting my son", "rating": 4}
    assert answers["activity_3"] is None
    assert form.result.total == Decimal("3.5")


def test_last_times_activities_are_offered_again():
    earlier = {
        "activity_2": {"name": "Lifting my son", "rating": 4},
        "activity_1": {"name": "Climbing stairs", "rating": 3},
        "activity_3": None,
    }
    names = named_activities(PSFS, earlier)
    assert names == ["Climbing stairs", "Lifting my son"]
    form = QuestionnaireForm(instrument=PSFS, activity_names=names)
    markup = render_to_string(PARTIAL, {"form": form})
    assert 'value="Climbing stairs"' in markup
    assert 'value="Lifting my son"' in markup
    assert form["activity_3_name"].value() == ""


def test_more_names_than_slots_fill_the_slots_only():
    names = [f"Activity {n}" for n in range(8)]
    form = QuestionnaireForm(instrument=PSFS, activity_names=names)
    assert [form[f"activity_{n}_name"].value() for n in range(1, 6)] == names[:5]


# Validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["4", "-1", "abc", "1.5", " 1", "1\x00"])
def test_a_value_not_offered_is_a_field_error(bad):
    data = posted(PHQ9, [1] * 9)
    data["mood"] = bad
    form = QuestionnaireForm(data, instrument=PHQ9)
    assert not form.is_valid()
    assert form.errors["mood"] == ["Choose one of the answers shown."]
    assert form.result is None


def test_a_rating_out_of_range_is_a_field_error():
    form = QuestionnaireForm({"pain": "4", "enjoyment": "11", "activity": "3"}, instrument=PEG)
    assert not form.is_valid()
    assert list(form.errors) == ["enjoyment"]


def test_a_missing_required_answer_is_a_field_error():
    data = posted(PHQ9, [1] * 9)
    del data["self_harm"]
    form = QuestionnaireForm(data, instrument=PHQ9)
    assert not form.is_valid()
    assert form.errors["self_harm"] == ["Please choose an answer."]


def test_every_peg_question_is_required():
    form = QuestionnaireForm({"pain": "4"}, instrument=PEG)
    assert not form.is_valid()
    assert set(form.errors) == {"enjoyment", "activity"}
    assert form.errors["activity"] == ["Please choose a number from 0 to 10."]


def test_too_few_answers_is_a_form_error_in_plain_words():
    form = QuestionnaireForm(posted(ODI, [1] * 7 + ["", "", ""]), instrument=ODI)
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Please answer at least 8 of the 10 sections so the score means something."
    ]


def test_an_empty_psfs_asks_for_one_activity():
    form = QuestionnaireForm({}, instrument=PSFS)
    assert not form.is_valid()
    assert form.non_field_errors() == [
        "Please name at least one activity and choose a number for it."
    ]


def test_a_too_long_activity_name_is_a_field_error():
    form = QuestionnaireForm({"activity_1_name": "x" * 101, "activity_1": "4"}, instrument=PSFS)
    assert not form.is_valid()
    assert form.errors["activity_1_name"] == [
        "Keep the name to 100 characters or fewer (it has 101)."
    ]
    assert "activity_1" not in form.errors


def test_a_name_without_a_number_and_a_number_without_a_name_are_pointed_at():
    data = {"activity_1_name": "Stairs", "activity_2": "5"}
    form = QuestionnaireForm(data, instrument=PSFS)
    assert not form.is_valid()
    assert form.errors["activity_1"] == ["Choose a number for this activity, or clear its name."]
    assert form.errors["activity_2_name"] == ["Write what the activity is, or clear its number."]


HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["0", "3", "10", "-1", "11", "1e3", "٣", "3\x00", "<script>", " 2 "]),
)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(list(INSTRUMENTS.values())), st.data())
def test_any_input_gives_errors_or_a_score_never_an_exception(instrument, data):
    fields = list(QuestionnaireForm(instrument=instrument).fields)
    posted_data = data.draw(st.dictionaries(st.sampled_from(fields), HOSTILE_TEXT))
    form = QuestionnaireForm(posted_data, instrument=instrument)
    if form.is_valid():
        assert form.result == score(instrument, form.answers())
    else:
        assert form.errors
        assert form.result is None


# Rendering ----------------------------------------------------------------------------------


class Controls(HTMLParser):
    """Every form control with the fieldset legend and the label it sits in or is named
    by, every error list's id, and every aria-describedby."""

    def __init__(self):
        super().__init__()
        self.controls = []  # (tag, attrs, fieldset legend, enclosing label's for)
        self.label_for = set()
        self.legends = []
        self.error_ids = set()
        self.described_by = set()
        self._fieldsets = []
        self._label = None
        self._in_legend = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "aria-describedby" in attrs:
            self.described_by.update(attrs["aria-describedby"].split())
        if tag == "fieldset":
            self._fieldsets.append("")
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label":
            self._label = attrs.get("for")
            self.label_for.add(attrs.get("for"))
        elif tag == "ul" and "errorlist" in attrs.get("class", ""):
            if attrs.get("id"):
                self.error_ids.add(attrs["id"])
        elif tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
            legend = self._fieldsets[-1] if self._fieldsets else ""
            self.controls.append((tag, attrs, legend, self._label))

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self.legends.append(self._fieldsets.pop())
        elif tag == "legend":
            self._in_legend = False
        elif tag == "label":
            self._label = None

    def handle_data(self, data):
        if self._in_legend:
            self._fieldsets[-1] += data.strip()


def parse(form):
    parser = Controls()
    parser.feed(render_to_string(PARTIAL, {"form": form}))
    return parser


@pytest.mark.parametrize("instrument", list(INSTRUMENTS.values()), ids=lambda i: i.code)
def test_every_field_has_a_label_and_every_item_a_legend(instrument):
    form = QuestionnaireForm(instrument=instrument)
    parsed = parse(form)
    assert parsed.controls
    assert len(parsed.legends) == len(instrument.items)
    assert all(parsed.legends)
    for tag, attrs, legend, enclosing_label in parsed.controls:
        assert legend, f"{attrs['name']} is outside a fieldset with a legend"
        if attrs.get("type") == "radio":
            assert enclosing_label == attrs["id"]
        else:
            assert attrs["id"] in parsed.label_for, f"{tag} {attrs['name']} has no label"
    names = {attrs["name"] for _tag, attrs, _legend, _label in parsed.controls}
    assert names == set(form.fields)


def test_the_radio_legend_is_the_numbered_question():
    parsed = parse(QuestionnaireForm(instrument=PHQ9))
    assert parsed.legends[0] == "1. Having little interest in doing things, or little joy in them"
    assert parsed.legends[-1].startswith("9. Thinking you would be better off dead")


def test_rating_ends_are_labelled_in_words():
    markup = render_to_string(PARTIAL, {"form": QuestionnaireForm(instrument=PEG)})
    assert "0 – no pain</label>" in markup
    assert "10 – pain as bad as you can imagine</label>" in markup
    assert re.search(r"> 5</label>", markup)


def test_errors_are_linked_to_their_fields():
    data = {"pain": "4", "enjoyment": "11"}
    parsed = parse(QuestionnaireForm(data, instrument=PEG))
    assert parsed.error_ids == {"id_enjoyment_error", "id_activity_error"}
    assert parsed.error_ids <= parsed.described_by

    psfs = parse(
        QuestionnaireForm({"activity_1_name": "x" * 101, "activity_2": "5"}, instrument=PSFS)
    )
    assert psfs.error_ids == {"id_activity_1_name_error", "id_activity_2_name_error"}
    assert psfs.error_ids <= psfs.described_by


def test_the_form_error_and_the_instructions_are_drawn():
    form = QuestionnaireForm({}, instrument=PSFS)
    form.is_valid()
    markup = render_to_string(PARTIAL, {"form": form})
    assert 'role="alert"' in markup
    assert "Please name at least one activity" in markup
    assert PSFS.instructions in markup


class PatientQuestionnaireForm(OneTimeKeyForm, QuestionnaireForm):
    """How a page mixes in the once-only submission key."""


def test_a_mixed_in_hidden_field_and_its_error_are_drawn():
    data = {**posted(GAD7, [1] * 7), "submission_key": "not-a-key"}
    form = PatientQuestionnaireForm(data, instrument=GAD7)
    assert not form.is_valid()
    assert form.result is None
    markup = render_to_string(PARTIAL, {"form": form})
    assert markup.count('name="submission_key"') == 1
    assert "This form was changed or is out of date" in markup

    fresh = PatientQuestionnaireForm(
        {**data, "submission_key": form["submission_key"].value()}, instrument=GAD7
    )
    assert fresh.is_valid(), fresh.errors
    assert fresh.result.total == 7


def test_no_script_is_needed():
    for instrument in INSTRUMENTS.values():
        markup = render_to_string(PARTIAL, {"form": QuestionnaireForm(instrument=instrument)})
        assert "<script" not in markup
        assert not re.search(r"\son[a-z]+=", markup)  # no event handler attributes
