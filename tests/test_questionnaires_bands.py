"""Severity bands at both edges, through ``score()`` wherever a total can be reached by
answers, and which bands alert; the PEG and the PSFS have none."""

import pytest

from questionnaires.instruments import GAD7, ODI, PEG, PHQ9, PSFS
from questionnaires.scoring import score


def answers_totalling(instrument, total):
    """Answers to every item adding up to ``total``, filling items in order."""
    answers = {}
    for item in instrument.items:
        value = min(item.max_value, total)
        answers[item.key] = value
        total -= value
    assert total == 0
    return answers


@pytest.mark.parametrize(
    ("total", "label", "alerts"),
    [
        (0, "Minimal depression symptoms", False),
        (4, "Minimal depression symptoms", False),
        (5, "Mild depression symptoms", False),
        (9, "Mild depression symptoms", False),
        (10, "Moderate depression symptoms", False),
        (14, "Moderate depression symptoms", False),
        (15, "Moderately severe depression symptoms", False),
        (19, "Moderately severe depression symptoms", False),
        (20, "Severe depression symptoms", True),
        (27, "Severe depression symptoms", True),
    ],
)
def test_phq9_bands(total, label, alerts):
    result = score(PHQ9, answers_totalling(PHQ9, total))
    assert result.total == total
    assert (result.band.label, result.band_alerts) == (label, alerts)


@pytest.mark.parametrize(
    ("total", "label", "alerts"),
    [
        (0, "Minimal anxiety symptoms", False),
        (4, "Minimal anxiety symptoms", False),
        (5, "Mild anxiety symptoms", False),
        (9, "Mild anxiety symptoms", False),
        (10, "Moderate anxiety symptoms", False),
        (14, "Moderate anxiety symptoms", False),
        (15, "Severe anxiety symptoms", True),
        (21, "Severe anxiety symptoms", True),
    ],
)
def test_gad7_bands(total, label, alerts):
    result = score(GAD7, answers_totalling(GAD7, total))
    assert result.total == total
    assert (result.band.label, result.band_alerts) == (label, alerts)


@pytest.mark.parametrize(
    ("total", "label"),
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
def test_odi_bands(total, label):
    # Not every percentage can be reached from answers (21 % cannot), so the edges are read
    # from the instrument (test_questionnaires_scoring checks score() at worked examples).
    band = ODI.band_for(total)
    assert band.label == label
    assert band.alerts is False


def test_odi_patient_wording_avoids_the_harsh_clinical_labels():
    for band in ODI.bands:
        text = band.patient_text.lower()
        assert not {"crippled", "bed-bound", "overstated"} & set(text.replace(".", "").split())


@pytest.mark.parametrize("instrument", [PHQ9, GAD7, ODI])
def test_bands_cover_every_total_once(instrument):
    low, high = instrument.total_range
    covered = [total for band in instrument.bands for total in range(band.low, band.high + 1)]
    assert covered == list(range(low, high + 1))


def test_only_the_severe_mental_health_bands_alert():
    alerting = {
        (instrument.code, band.label)
        for instrument in (PHQ9, GAD7, ODI)
        for band in instrument.bands
        if band.alerts
    }
    assert alerting == {
        ("phq9", "Severe depression symptoms"),
        ("gad7", "Severe anxiety symptoms"),
    }


@pytest.mark.parametrize("instrument", [PEG, PSFS])
def test_peg_and_psfs_have_no_bands(instrument):
    assert instrument.bands == ()
    assert instrument.band_for(5) is None
