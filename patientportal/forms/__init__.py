"""Forms for the patient's pages and the team's portal actions."""

from __future__ import annotations

import uuid

from django import forms
from django.utils import timezone

from questionnaires.forms import QuestionnaireForm

from ..models import ActivityOutcome, AlertOutcome, RedFlag

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


class OneTimeKeyForm(forms.Form):
    """A form that creates something, with a hidden key made each time the form is drawn:
    the service stores it with what it creates, so the same submission sent twice stores
    once (patientportal.services.submissions). Not required: a page drawn before the key
    existed still works, without that protection."""

    submission_key = forms.UUIDField(
        required=False,
        initial=uuid.uuid4,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": "This form was changed or is out of date. Check the answers and send "
            "it again."
        },
    )

    def full_clean(self) -> None:
        super().full_clean()
        if "submission_key" in self.errors:
            # Shown again as it came, a malformed key would be refused again and again.
            self.renew_submission_key()

    def renew_submission_key(self) -> None:
        """Shown again after its key was spent (a 409) or came malformed, the form carries a
        new one, so that sending it once more is a new submission."""
        data = self.data.copy()
        data[self.add_prefix("submission_key")] = str(uuid.uuid4())
        self.data = data


class StartFlareForm(OneTimeKeyForm):
    """The "I'm having a flare" button: the key is its only field."""


class InvitePatientForm(OneTimeKeyForm):
    """The invite button on the team's plan page: the key is its only field."""


class SwitchOffAccessForm(forms.Form):
    """The confirmation page's button: it posts ``confirm=yes``, so a bare POST (an old
    plan page, a script) switches nothing off."""

    confirm = forms.ChoiceField(
        choices=[("yes", "Switch off portal access")],
        error_messages={
            "required": "Choose “Switch off portal access” on this page to confirm.",
            "invalid_choice": "Choose “Switch off portal access” on this page to confirm.",
        },
    )


class CheckInForm(OneTimeKeyForm):
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

    def red_flag_labels(self) -> list[str]:
        """The red flags ticked, as the patient read them; known once ``red_flags`` has
        validated (call after ``is_valid()``), before anything is saved."""
        labels = dict(RedFlag.choices)
        return [labels[flag] for flag in self.cleaned_data.get("red_flags", [])]

    def activity_outcomes(self) -> dict[int, str]:
        return {
            activity.pk: self.cleaned_data[self.activity_field_name(activity)]
            for activity in self.exercises
            if self.cleaned_data.get(self.activity_field_name(activity))
        }


class AnswerQuestionnaireForm(OneTimeKeyForm, QuestionnaireForm):
    """Any instrument's form (``questionnaires.forms``: one field per item, scored while
    it validates) with the one-time key, which its template partial draws as a hidden
    field: ``AnswerQuestionnaireForm(data, instrument=PHQ9, activity_names=[...])``."""


class ReadingFeedbackForm(forms.Form):
    helpful = forms.TypedChoiceField(
        label="Did this help you?",
        choices=[("yes", "Yes, it helped"), ("no", "No, not really")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no.", "invalid_choice": "Choose yes or no."},
    )
    feedback = forms.CharField(
        label="Anything to tell your team about it? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Keep it to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )


class AssignReadingForm(OneTimeKeyForm):
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


class AcknowledgeAlertForm(forms.Form):
    """Closing a red-flag alert: what was done, and a note (the service requires one for "no
    action needed", and shows its message on the note)."""

    outcome = forms.ChoiceField(
        label="What was done?",
        choices=AlertOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say what was done.",
            "invalid_choice": "Choose one of the listed answers.",
        },
    )
    outcome_note = forms.CharField(
        label="Note (required for “No action needed”: say why)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": "Keep it to %(limit_value)d characters or fewer (it has %(show_value)d)."
        },
    )
