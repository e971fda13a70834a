"""The forms of the programme pages: a dose, adding an exercise, stopping one (each
carrying the programme version the therapist saw), and the patient's session log."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.utils import timezone

from patientportal.forms import OneTimeKeyForm

from .models import Completion, Effort, ProgrammeItem
from .services.programmes import Dose


class VersionedForm(forms.Form):
    # The programme's version when the form was drawn (0: no programme yet).
    version = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"required": "This form is out of date: open it again."},
    )


class DoseForm(VersionedForm):
    sets = forms.IntegerField(label="Sets", min_value=1, max_value=10, initial=2)
    repetitions = forms.IntegerField(
        label="Repetitions in each set", min_value=1, max_value=100, initial=8
    )
    hold_seconds = forms.IntegerField(
        label="Hold each repetition (seconds, 0 for no hold)",
        min_value=0,
        max_value=300,
        initial=0,
    )
    times_per_day = forms.IntegerField(label="Times a day", min_value=1, max_value=6, initial=1)
    days_per_week = forms.IntegerField(label="Days a week", min_value=1, max_value=7, initial=7)
    note = forms.CharField(
        label="Note for the patient (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def dose(self) -> Dose:
        data = self.cleaned_data
        return Dose(
            sets=data["sets"],
            repetitions=data["repetitions"],
            hold_seconds=data["hold_seconds"],
            times_per_day=data["times_per_day"],
            days_per_week=data["days_per_week"],
            note=data["note"],
        )

    @staticmethod
    def initial_from(item: ProgrammeItem, version: int) -> dict:
        return {
            "version": version,
            **{
                name: getattr(item, name)
                for name in ("sets", "repetitions", "hold_seconds", "times_per_day")
            },
            "days_per_week": item.days_per_week,
            "note": item.note,
        }


class PrescribeForm(DoseForm):
    # Rendered by hand as a radio list of the library; the service checks the exercise.
    exercise = forms.IntegerField(
        label="Exercise",
        min_value=1,
        error_messages={"required": "Choose an exercise from the library."},
    )
    confirm_conflicts = forms.BooleanField(
        label="I have checked the precautions and still want to prescribe this exercise",
        required=False,
    )


class StopForm(VersionedForm):
    """Stopping an exercise: the version is its only field."""


def completion_field(name: str) -> str:
    return f"completion_{name}"


def effort_field(name: str) -> str:
    return f"effort_{name}"


class LogSessionForm(OneTimeKeyForm):
    """How a session went: for each exercise done / partly / not and how hard it felt, and
    the pain during it. The exercise fields are made from the version's items."""

    performed_on = forms.DateField(
        label="Day of the session",
        # A date input takes and shows ISO dates, whatever the site's date format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the day of the session.", "invalid": "Give a date."},
    )
    pain_during = forms.TypedChoiceField(
        label="Pain during the session (0 = no pain, 10 = worst pain imaginable)",
        choices=[("", "Rather not say")] + [(str(n), str(n)) for n in range(11)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label="Anything your team should know (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Set by the view when the programme changed while the patient filled the form in.
    changed_meanwhile = False

    def __init__(self, *args, items: Iterable[ProgrammeItem], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("performed_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[completion_field(str(item.pk))] = forms.ChoiceField(
                label=f"Did you do {item.exercise_name}?",
                choices=Completion.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say whether you did {item.exercise_name}."},
            )
            self.fields[effort_field(str(item.pk))] = forms.ChoiceField(
                label=f"How did {item.exercise_name} feel?",
                choices=Effort.choices,
                widget=forms.RadioSelect,
                required=False,
            )

    def clean_performed_on(self) -> datetime.date:
        day = self.cleaned_data["performed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The day of the session cannot be in the future.")
        return day

    def rows(self) -> list[tuple[ProgrammeItem, forms.BoundField, forms.BoundField]]:
        """Each exercise with its two questions, for the template."""
        return [
            (item, self[completion_field(str(item.pk))], self[effort_field(str(item.pk))])
            for item in self.items
        ]
