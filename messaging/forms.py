"""The forms of secure messages: a new thread, a reply, and the email notices setting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms

from careteam.models import CarePlan

from .models import MESSAGE_MAX_LENGTH, SUBJECT_MAX_LENGTH, Audience

# How each audience reads on the patient's form and on the team's.
PATIENT_AUDIENCE_LABELS: dict[str, str] = {
    Audience.TEAM: "To my whole care team",
    Audience.MENTAL_HEALTH: "To my mental-health professional only",
}
TEAM_AUDIENCE_LABELS: dict[str, str] = {
    Audience.TEAM: "The patient and the whole care team",
    Audience.MENTAL_HEALTH: "The patient and the mental-health professionals only",
}


def _body_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write your message first."},
    )


class ReplyForm(forms.Form):
    def __init__(self, *args, label: str = "Your reply", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"] = _body_field(label)


class NewThreadForm(forms.Form):
    """``audiences``: the ones the writer may start a thread to; ``plans``: the patient's
    current plans (a choice only when there are several; a provider's form has none)."""

    audience = forms.ChoiceField(
        label="Who is it for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the message is for."},
    )
    subject = forms.CharField(
        label="Subject",
        max_length=SUBJECT_MAX_LENGTH,
        help_text="A few words, such as “Pacing on busy days”.",
        error_messages={"required": "Say in a few words what it is about."},
    )

    def __init__(
        self,
        *args,
        audiences: Sequence[str],
        labels: Mapping[str, str],
        plans: Sequence[CarePlan] = (),
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        audience = self.fields["audience"]
        assert isinstance(audience, forms.ChoiceField)
        audience.choices = [(value, labels[value]) for value in audiences]
        if len(audiences) == 1:
            self.fields["audience"].initial = audiences[0]
        self.fields["body"] = _body_field("Your message")
        self.plans = {str(plan.pk): plan for plan in plans}
        if plans:
            field = forms.ChoiceField(
                label="About which plan?",
                choices=[(str(plan.pk), plan.title) for plan in plans],
                error_messages={"required": "Choose the plan the message is about."},
            )
            if len(plans) == 1:
                field.widget = forms.HiddenInput()
                field.initial = str(plans[0].pk)
            else:
                field.widget = forms.RadioSelect()
            self.fields["plan"] = field
            self.order_fields(["plan", "audience", "subject", "body"])

    def chosen_plan(self) -> CarePlan | None:
        return self.plans.get(self.cleaned_data.get("plan", ""))


class NotificationSettingsForm(forms.Form):
    email_on_new_message = forms.BooleanField(
        label="Email me when a new message arrives",
        required=False,
        help_text="The email says only that a message is waiting, with a link to sign in.",
    )
