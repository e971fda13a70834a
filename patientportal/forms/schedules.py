"""The team's forms for questionnaire schedules (``views.schedules``). They check the input
only; who may schedule what is the service's (``services.schedules``)."""

from __future__ import annotations

import datetime

from django import forms

from careteam.forms import DateInput
from questionnaires.instruments import INSTRUMENTS, Instrument

from ..models.schedules import MAX_EVERY_DAYS


def instrument_label(instrument: Instrument) -> str:
    return f"{instrument.title}: usually every {instrument.interval_days} days"


class ScheduleFieldsForm(forms.Form):
    every_days = forms.IntegerField(
        label="Every how many days",
        min_value=1,
        max_value=MAX_EVERY_DAYS,
        help_text="For example 7 for every week, 14 for every two weeks.",
    )
    starts_on = forms.DateField(
        label="First due on",
        widget=DateInput,
        help_text="A day on the patient's calendar, today or later.",
    )


class AddScheduleForm(ScheduleFieldsForm):
    """A new schedule; the interval may be left empty for the instrument's usual one."""

    field_order = ["instrument", "every_days", "starts_on"]

    # Any instrument the registry knows is accepted here: the list offers those the user
    # may schedule, and the service refuses (recorded) one they may not.
    instrument = forms.CharField(label="Questionnaire", max_length=16, widget=forms.Select)

    def __init__(self, *args, instruments: list[Instrument], today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].widget.choices = [
            ("", "Choose a questionnaire"),
            *((instrument.code, instrument_label(instrument)) for instrument in instruments),
        ]
        self.fields["every_days"].required = False
        self.fields[
            "every_days"
        ].help_text = "Leave empty for the questionnaire's usual interval. 14 is every two weeks."
        self.fields["starts_on"].initial = today

    def clean_instrument(self) -> str:
        code = self.cleaned_data["instrument"]
        if code not in INSTRUMENTS:
            raise forms.ValidationError("Choose a questionnaire from the list.")
        return code


class ChangeScheduleForm(ScheduleFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StopScheduleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
