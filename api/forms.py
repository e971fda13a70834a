"""The form a user makes an API token with on their account page."""

from __future__ import annotations

from django import forms
from django.conf import settings

from .tokens import MAX_NAME, clean_days, clean_name


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label="What is it for?",
        max_length=MAX_NAME,
        help_text="A name you will recognise, such as “My health app”.",
    )
    days = forms.IntegerField(
        label="Days until it stops working",
        min_value=1,
        initial=90,
        help_text="Choose the shortest time that works for you.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        days.help_text += f" At most {settings.API_TOKEN_MAX_DAYS} days."

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data["name"])

    def clean_days(self) -> int:
        return clean_days(self.cleaned_data["days"])
