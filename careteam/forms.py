"""Forms for the provider UI. They validate input only; saving goes through
``careteam.services`` so the web UI and a future API share the same rules. Each model
form's fields are the service's editable fields (``GOAL_FIELDS`` and the like), so a field
is made editable in one place."""

from __future__ import annotations

from django import forms

from careteam.models import (
    Activity,
    CarePlan,
    Goal,
    Patient,
    Precaution,
    TeamRole,
)
from careteam.models.emergency import MAX_REASON_LENGTH
from careteam.models.people import default_time_zone
from careteam.services.emergency import REASON_TOO_SHORT, clean_reason
from careteam.services.people import PATIENT_FIELDS, find_provider_user
from careteam.services.plans import PLAN_FIELDS, PRECAUTION_FIELDS
from careteam.services.sections import ACTIVITY_FIELDS, GOAL_FIELDS


def form_fields(editable: tuple[str, ...]) -> list[str]:
    """A service's editable fields as a page offers them: all but the sort order, which
    follows the order of entry (no page reorders items)."""
    return [name for name in editable if name != "sort_order"]


class DateInput(forms.DateInput):
    """A native date picker, which needs ISO dates whatever the site's locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class VersionedFormMixin(forms.Form):
    """Carries the version the user started from, so a stale save can be refused. Forms
    that create something have no version to carry."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version
        else:
            del self.fields["version"]


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = PATIENT_FIELDS
        widgets = {"date_of_birth": DateInput}

    def validate_unique(self) -> None:
        """A record number in use is the service's to refuse (in any case, audited)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the time zone stays as it is (the clinic's for a new patient).
        self.fields["time_zone"].required = False

    def clean_time_zone(self) -> str:
        value = (self.cleaned_data.get("time_zone") or "").strip()
        return value or self.instance.time_zone or default_time_zone()


class PatientEditForm(VersionedFormMixin, PatientForm):
    pass


class PlanFieldsForm(forms.ModelForm):
    class Meta:
        model = CarePlan
        fields = PLAN_FIELDS
        widgets = {
            "period_start": DateInput,
            "period_end": DateInput,
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "patient_summary": forms.Textarea(attrs={"rows": 5}),
            "red_flag_guidance": forms.Textarea(attrs={"rows": 4}),
            "flare_day_one": forms.Textarea(attrs={"rows": 3}),
            "flare_day_two": forms.Textarea(attrs={"rows": 3}),
            "flare_day_three": forms.Textarea(attrs={"rows": 3}),
            "flare_when_to_call": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "red_flag_guidance": "The patient's page always lists the urgent symptoms (leg "
            "numbness or weakness, bladder or bowel changes, severe pain after a fall, pain "
            "that rest does not ease) and says to call 999. Add only advice for this patient.",
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The plan cannot end before it starts.")
        return cleaned


class PlanCreateForm(PlanFieldsForm):
    record_number = forms.CharField(
        label="Patient's record number",
        max_length=32,
        help_text="Register the patient first if they are new to the clinic.",
    )

    class Meta(PlanFieldsForm.Meta):
        fields = ["record_number", *PlanFieldsForm.Meta.fields]

    def clean_record_number(self) -> str:
        return self.cleaned_data["record_number"].strip()


class PlanEditForm(VersionedFormMixin, PlanFieldsForm):
    pass


class PrecautionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Precaution
        fields = form_fields(PRECAUTION_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"avoid_tag": "What it rules out"}
        help_texts = {
            "avoid_tag": "Reading tagged with this is flagged before it reaches the patient."
        }


class GoalForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = form_fields(GOAL_FIELDS)
        widgets = {"description": forms.Textarea(attrs={"rows": 2}), "due_date": DateInput}


class ActivityForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Activity
        fields = form_fields(ACTIVITY_FIELDS)
        widgets = {
            "scheduled_on": DateInput,
            "done_on": DateInput,
            "instructions": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"do_not_perform": "Do not perform (contraindicated)"}


class NoteForm(forms.Form):
    body = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)

    def __init__(self, *args, label: str = "Note", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = label

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before saving the note.")
        return body


def clean_provider(value: str):
    user = find_provider_user(value)
    if user is None:
        raise forms.ValidationError(
            "No single provider has this username or email. Check the spelling, or ask "
            "the clinic's administrator to set up their provider profile."
        )
    return user


class InviteMemberForm(forms.Form):
    who = forms.CharField(
        label="Provider's username or email",
        max_length=254,
        help_text="The login they use at the clinic.",
    )
    role = forms.ChoiceField(
        label="Role on this team",
        choices=[(value, label) for value, label in TeamRole.choices if value != TeamRole.LEAD],
    )

    def clean_who(self):
        return clean_provider(self.cleaned_data["who"])


FORMER_LEAD_LEAVES = "leave"


class HandOverLeadForm(forms.Form):
    who = forms.CharField(
        label="New lead's username or email",
        max_length=254,
        help_text="A pain-management physician; they need not be on the team yet.",
    )
    former_lead_role = forms.ChoiceField(
        label="Then I will",
        choices=[
            (TeamRole.CONTRIBUTOR, "Stay on the team as a contributor"),
            (FORMER_LEAD_LEAVES, "Leave the team"),
        ],
    )

    def clean_who(self):
        return clean_provider(self.cleaned_data["who"])

    def clean_former_lead_role(self) -> str | None:
        role = self.cleaned_data["former_lead_role"]
        return None if role == FORMER_LEAD_LEAVES else role


class DeleteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class RemoveMemberForm(forms.Form):
    """A confirmation: the POST itself is the request."""


class EmergencyAccessForm(forms.Form):
    """The record number and the reason; the plan is chosen from the patient's open plans
    that the first submission lists (a radio group the page adds, named ``plan``)."""

    record_number = forms.CharField(label="Patient's record number", max_length=32)
    reason = forms.CharField(
        label="Why you need this plan now",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_REASON_LENGTH,
        error_messages={"required": REASON_TOO_SHORT},
        help_text=(
            "The plan's lead and the clinic's privacy officers read it. Do not write more "
            "about the patient's health than the emergency needs."
        ),
    )

    def clean_record_number(self) -> str:
        return self.cleaned_data["record_number"].strip()

    def clean_reason(self) -> str:
        try:
            return clean_reason(self.cleaned_data["reason"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["reason"]) from None
