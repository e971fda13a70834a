"""The start page's form: which template, for which patient, and the plan's own choices.
It validates input only; ``services.start_plan_from_template`` does the rest."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone

from careteam.forms import DateInput
from careteam.models import CarePlan, CarePlanStatus
from careteam.policy import OPEN_PLAN_STATUSES

from .models import PlanTemplate

NOT_PUBLISHED = "This template is not published. Choose one from the list."
# How far from today a plan started from a template may begin (its dates count from it).
START_WITHIN_DAYS = 3653
TITLE_MAX_LENGTH = CarePlan._meta.get_field("title").max_length


class StartFromTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=PlanTemplate.objects.usable(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose a template.", "invalid_choice": NOT_PUBLISHED},
    )
    record_number = forms.CharField(
        label="Patient's record number",
        max_length=32,
        help_text="Register the patient first if they are new to the clinic.",
    )
    title = forms.CharField(
        label="Plan title",
        max_length=TITLE_MAX_LENGTH,
        required=False,
        help_text="Leave it empty to use the template's.",
    )
    status = forms.ChoiceField(
        choices=[(status, CarePlanStatus(status).label) for status in OPEN_PLAN_STATUSES],
        initial=CarePlanStatus.ACTIVE,
        help_text="Suggested reading reaches the patient only on an active or on-hold plan.",
    )
    period_start = forms.DateField(
        label="Starts on",
        required=False,
        widget=DateInput,
        help_text="Due dates and planned days count from here (today if empty).",
    )

    def clean_record_number(self) -> str:
        return self.cleaned_data["record_number"].strip()

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()

    def clean_period_start(self) -> datetime.date | None:
        start = self.cleaned_data["period_start"]
        if start is not None and abs((start - timezone.localdate()).days) > START_WITHIN_DAYS:
            raise forms.ValidationError("Choose a start date within ten years of today.")
        return start
