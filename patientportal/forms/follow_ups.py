"""The patient's answer to a procedure follow-up: pain now and relief since the procedure."""

from __future__ import annotations

from django import forms

from . import PAIN_LABELS


class FollowUpAnswerForm(forms.Form):
    pain = forms.TypedChoiceField(
        label="How bad is your pain right now, from 0 to 10?",
        choices=list(PAIN_LABELS.items()),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a number from 0 to 10 for your pain.",
            "invalid_choice": "Choose a number from 0 to 10 for your pain.",
        },
    )
    relief_percent = forms.IntegerField(
        label="How much has your usual pain eased since the procedure, in percent (0 to 100)?",
        help_text="0 means no relief at all, 50 means half as much pain as before, 100 means "
        "no pain left from what was treated.",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter a number from 0 to 100 for your relief.",
            "invalid": "Enter a whole number from 0 to 100 for your relief.",
            "min_value": "Enter a number from 0 to 100 for your relief.",
            "max_value": "Enter a number from 0 to 100 for your relief.",
        },
    )
