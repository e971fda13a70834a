"""Forms for the patient's pages and the team's portal actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from .models import ActivityOutcome, RedFlag
from .odi import SECTIONS, OdiScoringError, score_odi

PAIN_LABELS = {
    0: "0 – no pain",
    1: "1",
    2: "2 – mild",
    3: "3",
    4: "4",
    5: "5 – moderate",
    6: "6",
    7: "7 – severe",
    8: "8",
    9: "9",
    10: "10 – worst pain imaginable",
}


class CheckInForm(forms.Form):
    pain_score = forms.TypedChoiceField(
        label="How bad is your pain right now, from 0 to 10?",
        choices=list(PAIN_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a number from 0 to 10 for your pain."},
    )
    red_flags = forms.MultipleChoiceField(
        label="Since your last check-in, have you had any of these?",
        help_text="Tick any that are true. Leave them all empty if none are.",
        choices=RedFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label="Anything else you want your team to know? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, exercises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.exercises = list(exercises)
        for activity in self.exercises:
            self.fields[self.activity_field_name(activity)] = forms.ChoiceField(
                label=activity.title,
                help_text=activity.schedule,
                choices=ActivityOutcome.choices,
                required=False,
                widget=forms.RadioSelect,
            )

    @staticmethod
    def activity_field_name(activity) -> str:
        return f"activity_{activity.pk}"

    def activity_fields(self):
        return [self[self.activity_field_name(activity)] for activity in self.exercises]

    def activity_outcomes(self) -> dict[int, str]:
        return {
            activity.pk: self.cleaned_data[self.activity_field_name(activity)]
            for activity in self.exercises
            if self.cleaned_data.get(self.activity_field_name(activity))
        }


class OdiForm(forms.Form):
    """Ten sections; any may be skipped, but not more than the scoring rule allows."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, section in enumerate(SECTIONS, start=1):
            self.fields[section.key] = forms.TypedChoiceField(
                label=f"{number}. {section.title}",
                choices=list(enumerate(section.options)),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )

    def clean(self):
        cleaned = super().clean()
        try:
            self.result = score_odi({section.key: cleaned.get(section.key) for section in SECTIONS})
        except OdiScoringError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned

    def answers(self) -> dict[str, int | None]:
        return {section.key: self.cleaned_data.get(section.key) for section in SECTIONS}


class ReadingFeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Did this help you?",
        choices=[("yes", "Yes, it helped"), ("no", "No, not really")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no."},
    )
    feedback = forms.CharField(
        label="Anything to tell your team about it? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignReadingForm(forms.Form):
    # Rendered by hand as a radio list of the searched pages; the service checks the page.
    page = forms.IntegerField(
        label="Page to assign",
        min_value=1,
        error_messages={"required": "Choose a page from the list."},
    )
    note = forms.CharField(
        label="Why you are suggesting it (the patient will see this)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label="Read by (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    confirm_conflicts = forms.BooleanField(
        label="I have checked the precautions and still want to assign this page",
        required=False,
    )

    def clean_due_date(self):
        due_date = self.cleaned_data.get("due_date")
        if due_date and due_date < timezone.localdate():
            raise forms.ValidationError("The read-by date cannot be in the past.")
        return due_date
