"""The privacy officers' filter form for the audit trail review (/privacy/audit/).

A GET form: ``AuditReviewForm(request.GET)``; ``criteria()`` turns valid input into
``careteam.services.audit_review.ReviewCriteria``. Every field is optional.
"""

from __future__ import annotations

import datetime

from django import forms

from audit.models import AuditAction

from .services.audit_review import ReviewCriteria

# Audit rows start with this system; a date before it is a typing slip.
EARLIEST_DAY = datetime.date(2000, 1, 1)


class AuditReviewForm(forms.Form):
    username = forms.CharField(
        label="User (login name)", required=False, max_length=150, strip=True
    )
    record_number = forms.CharField(
        label="Patient record number", required=False, max_length=32, strip=True
    )
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices]
    )
    date_from = forms.DateField(
        label="From (day, included)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label="To (day, included)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day is not None and day < EARLIEST_DAY:
                self.add_error(name, f"Give a day from {EARLIEST_DAY:%-d %B %Y} on.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The last day must not be before the first.")
        return data

    def criteria(self) -> ReviewCriteria:
        """The valid input as review criteria (call after ``is_valid()``)."""
        data = self.cleaned_data
        return ReviewCriteria(
            username=data.get("username", ""),
            record_number=data.get("record_number", ""),
            action=data.get("action", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def raw_input(self) -> dict[str, str]:
        """What was typed (set fields, each cut to 150 characters), for the audit record of
        a refused search."""
        raw = {name: str(self.data.get(name, ""))[:150] for name in self.fields}
        return {name: value for name, value in raw.items() if value}
