"""The instrument definitions: the registry, what each instrument declares (discipline,
licence, codes, how often it is due, who may read its answers), the checks that refuse a
broken definition, and patient wording at the clinic's reading grade."""

import re
from dataclasses import replace

import pytest
from django.conf import settings
from django.template.loader import render_to_string

from careteam.models import Discipline
from portal.services.readability import flesch_kincaid_grade
from questionnaires.forms import QuestionnaireForm
from questionnaires.instruments import (
    GAD7,
    INSTRUMENTS,
    ODI,
    PEG,
    PHQ9,
    PSFS,
    Band,
    UnknownInstrument,
    get_instrument,
)


def test_the_registry_holds_the_five_instruments_by_code():
    assert list(INSTRUMENTS) == ["phq9", "gad7", "peg", "psfs", "odi"]
    assert get_instrument("phq9") is PHQ9


def test_an_unknown_code_is_a_clear_lookup_error():
    with pytest.raises(UnknownInstrument, match="no questionnaire called 'phq10'"):
        get_instrument("phq10")
    with pytest.raises(LookupError):
        get_instrument("")


@pytest.mark.parametrize(
    ("instrument", "discipline", "sensitive", "items", "days", "total_range"),
    [
        (PHQ9, "mental_health", True, 9, 14, (0, 27)),
        (GAD7, "mental_health", True, 7, 14, (0, 21)),
        (PEG, "pain_management", False, 3, 7, (0, 10)),
        (PSFS, "physical_therapy", False, 5, 14, (0, 10)),
        (ODI, "pain_management", False, 10, 28, (0, 100)),
    ],
)
def test_what_each_instrument_declares(instrument, discipline, sensitive, items, days, total_range):
    assert instrument.discipline == discipline
    assert instrument.sensitive is sensitive
    assert len(instrument.items) == items
    assert instrument.interval_days == days
    assert instrument.total_range == total_range


def test_disciplines_are_careteams_values():
    assert {instrument.discipline for instrument in INSTRUMENTS.values()} <= set(Discipline.values)


@pytest.mark.parametrize(
    ("instrument", "panel", "total"),
    [
        (PHQ9, "44249-1", "44261-6"),
        (GAD7, "69737-5", "70274-6"),
        (PEG, "91148-7", "91147-9"),
        (PSFS, None, None),
        (ODI, "97908-8", "97909-6"),
    ],
)
def test_loinc_codes(instrument, panel, total):
    assert (instrument.panel_code.code if instrument.panel_code else None) == panel
    assert (instrument.total_code.code if instrument.total_code else None) == total
    for code in (instrument.panel_code, instrument.total_code):
        if code:
            assert code.system == "http://loinc.org"
            assert code.display


def test_the_odi_keeps_the_codes_its_results_were_exported_under():
    assert (ODI.panel_code.code, ODI.panel_code.display) == ("97908-8", "Oswestry Disability Index")
    assert (ODI.total_code.code, ODI.total_code.display) == (
        "97909-6",
        "Oswestry disability index score ODI",
    )


@pytest.mark.parametrize("instrument", list(INSTRUMENTS.values()), ids=lambda i: i.code)
def test_every_title_in_plain_words_drops_only_the_abbreviation(instrument):
    assert instrument.plain_title
    assert instrument.title == f"{instrument.plain_title} ({instrument.short_title})"


@pytest.mark.parametrize("instrument", list(INSTRUMENTS.values()), ids=lambda i: i.code)
def test_every_instrument_notes_its_licence_and_the_official_wording(instrument):
    assert instrument.licence
    assert "our own" in instrument.licence
    assert "official wording" in instrument.licence or "published wording" in instrument.licence


def test_only_the_psfs_is_better_when_higher():
    better_higher = [i.code for i in INSTRUMENTS.values() if i.higher_is_better]
    assert better_higher == ["psfs"]


# Definitions that would score wrongly are refused when built -------------------------------


def test_a_gap_between_bands_is_refused():
    bands = (Band(0, 4, "Low", "Low."), Band(6, 27, "High", "High."))
    with pytest.raises(ValueError, match="cover every total"):
        replace(PHQ9, bands=bands)


def test_bands_on_a_mean_are_refused():
    with pytest.raises(ValueError, match="whole-number totals"):
        replace(PEG, bands=(Band(0, 10, "Any", "Any."),))


def test_a_safety_item_naming_no_item_is_refused():
    with pytest.raises(ValueError, match="safety item"):
        replace(GAD7, safety_items=PHQ9.safety_items)


def test_an_unknown_discipline_is_refused():
    with pytest.raises(ValueError, match="discipline"):
        replace(PEG, discipline="nursing_home")


def test_a_minimum_above_the_item_count_is_refused():
    with pytest.raises(ValueError, match="min_answered"):
        replace(PEG, min_answered=4)


def test_repeated_item_keys_are_refused():
    with pytest.raises(ValueError, match="repeat"):
        replace(PEG, items=PEG.items + PEG.items[:1], min_answered=1)


# Patient wording ---------------------------------------------------------------------------


def patient_text(instrument) -> str:
    """All the patient reads of an instrument: the drawn form (instructions, questions,
    answers), its purpose and what each band says to them."""
    markup = render_to_string(
        "questionnaires/includes/questionnaire_fields.html",
        {"form": QuestionnaireForm(instrument=instrument)},
    )
    markup = re.sub(r"</(p|legend|label|option)>", ". ", markup)
    form_text = re.sub(r"<[^>]+>", " ", markup)
    return " ".join([form_text, instrument.purpose, *(b.patient_text for b in instrument.bands)])


@pytest.mark.parametrize("instrument", list(INSTRUMENTS.values()), ids=lambda i: i.code)
def test_patient_wording_is_plain(instrument):
    grade = flesch_kincaid_grade(patient_text(instrument))
    assert grade <= settings.PORTAL_TARGET_READING_GRADE, f"{instrument.code} reads at {grade}"
