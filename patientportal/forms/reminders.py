"""The patient's reminder settings form (/my/reminders/) and the unsubscribe button."""

from __future__ import annotations

from django import forms

from ..models import ReminderPreference
from ..services.reminder_preferences import clinic_quiet_hours


class TimeInput(forms.TimeInput):
    """A native time picker (hours and minutes), which needs "HH:MM" whatever the locale."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ReminderPreferenceForm(forms.Form):
    enabled = forms.BooleanField(
        required=False, label="Email me when something is waiting on my to-do list"
    )
    send_at = forms.TimeField(
        label="At about this time of day",
        widget=TimeInput,
        help_text="In your own time zone. At most one email a day.",
    )
    quiet_from = forms.TimeField(required=False, label="Quiet from", widget=TimeInput)
    quiet_until = forms.TimeField(required=False, label="Quiet until", widget=TimeInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, preference: ReminderPreference, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "enabled": preference.enabled,
                "send_at": preference.send_at,
                "quiet_from": preference.quiet_from,
                "quiet_until": preference.quiet_until,
                "version": preference.version,
            },
        )
        super().__init__(*args, **kwargs)
        quiet = clinic_quiet_hours()
        self.clinic_quiet_hours = quiet
        self.fields["quiet_from"].widget.attrs["placeholder"] = f"{quiet.start:%H:%M}"
        self.fields["quiet_until"].widget.attrs["placeholder"] = f"{quiet.end:%H:%M}"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("quiet_from"), cleaned.get("quiet_until")
        if "quiet_from" in self.errors or "quiet_until" in self.errors:
            return cleaned
        if (start is None) != (end is None):
            raise forms.ValidationError(
                "Give both times of your quiet hours, or leave both empty for the clinic's."
            )
        if start is not None and start == end:
            raise forms.ValidationError(
                "Your quiet hours need to start and end at different times."
            )
        return cleaned


class UnsubscribeForm(forms.Form):
    """The confirmation page's button: a bare POST (a script, a scanner) changes nothing
    without it. The one-click POST of RFC 8058 has its own address."""

    confirm = forms.ChoiceField(
        choices=[("yes", "Stop reminder emails")],
        error_messages={
            "required": "Press “Stop reminder emails” on this page to confirm.",
            "invalid_choice": "Press “Stop reminder emails” on this page to confirm.",
        },
    )
