"""A Django form built from an instrument: one field per item (two for a patient-named
activity), drawn by ``questionnaires/includes/questionnaire_fields.html``.

Bad input (a value not offered, a name too long, too few answers) becomes field or form
errors, never an exception. Once valid, ``answers()`` is the mapping ``score()`` takes and
``result`` its score, worked out while validating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms

from .answers import Answer
from .instruments.base import ActivityItem, ChoiceItem, Instrument, RatingItem, SafetyItem
from .scoring import Result, ScoringError, safety_concerns, score

CHOOSE_ONE = "Choose one of the answers shown."


@dataclass(frozen=True)
class ItemFields:
    """One item as the template draws it: ``kind`` is "choice" or "rating" (radio buttons
    in a fieldset whose legend is the question) or "activity" (a name and a number in a
    fieldset whose legend is ``legend``)."""

    kind: str
    legend: str
    answer: forms.BoundField
    name: forms.BoundField | None = None


class QuestionnaireForm(forms.Form):
    """``activity_names``: the activities the patient named last time
    (``questionnaires.answers.named_activities``), filled into the PSFS's name boxes.
    Keyword arguments pass on, so a page's form can mix it with another (patientportal's
    ``OneTimeKeyForm`` first); the partial draws any hidden fields it adds."""

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        activity_names: Sequence[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.result: Result | None = None
        names = iter(activity_names)
        for number, item in enumerate(instrument.items, start=1):
            if isinstance(item, ActivityItem):
                self.fields[self.name_field(item)] = _activity_name(item, next(names, ""))
                self.fields[item.key] = _activity_rating(item)
            elif isinstance(item, RatingItem):
                self.fields[item.key] = _rating(item, number)
            else:
                self.fields[item.key] = _choice(item, number)

    @staticmethod
    def name_field(item: ActivityItem) -> str:
        return f"{item.key}_name"

    def item_fields(self) -> list[ItemFields]:
        drawn = []
        for item in self.instrument.items:
            answer = self[item.key]
            if isinstance(item, ActivityItem):
                drawn.append(ItemFields("activity", item.text, answer, self[self.name_field(item)]))
            else:
                kind = "rating" if isinstance(item, RatingItem) else "choice"
                drawn.append(ItemFields(kind, str(answer.label), answer))
        return drawn

    def clean(self) -> dict[str, Any]:
        super().clean()
        for item in self.instrument.items:
            if isinstance(item, ActivityItem):
                self._check_activity(item)
        if not self.errors:
            try:
                self.result = score(self.instrument, self.answers())
            except ScoringError as error:
                raise forms.ValidationError(str(error)) from error
        return self.cleaned_data

    def _check_activity(self, item: ActivityItem) -> None:
        """A name needs a number and a number a name; either alone is a slip to point at."""
        name_field = self.name_field(item)
        name, rating = self.cleaned_data.get(name_field), self.cleaned_data.get(item.key)
        if name and rating is None and item.key not in self.errors:
            self.add_error(item.key, "Choose a number for this activity, or clear its name.")
        if rating is not None and not name and name_field not in self.errors:
            self.add_error(name_field, "Write what the activity is, or clear its number.")

    def answers(self) -> dict[str, Answer]:
        """The answers mapping (``questionnaires.answers``), None for each item left out;
        call after ``is_valid()``."""
        answers: dict[str, Answer] = {}
        for item in self.instrument.items:
            value = self.cleaned_data.get(item.key)
            if isinstance(item, ActivityItem):
                name = self.cleaned_data.get(self.name_field(item))
                answers[item.key] = (
                    {"name": name, "rating": value} if name and value is not None else None
                )
            else:
                answers[item.key] = value
        return answers

    def safety_concerns(self) -> tuple[SafetyItem, ...]:
        """The safety items the answers set off, known after ``is_valid()`` even when the
        form is not valid (too few answers): the page shows crisis advice at once."""
        cleaned = getattr(self, "cleaned_data", {})
        return safety_concerns(
            self.instrument,
            {
                safety.item_key: cleaned.get(safety.item_key)
                for safety in self.instrument.safety_items
            },
        )


def _choice(item: ChoiceItem, number: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=f"{number}. {item.text}",
        choices=[(option.value, option.label) for option in item.options],
        coerce=int,
        empty_value=None,
        required=item.required,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose an answer.", "invalid_choice": CHOOSE_ONE},
    )


def _rating_labels(item: RatingItem) -> list[tuple[int, str]]:
    """Every number on the scale, its two ends with their words: "0 – no pain"."""
    ends = {item.minimum: item.low_label, item.maximum: item.high_label}
    return [
        (value, f"{value} – {ends[value]}" if value in ends else str(value))
        for value in item.values
    ]


def _rating(item: RatingItem, number: int) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=f"{number}. {item.text}",
        choices=_rating_labels(item),
        coerce=int,
        empty_value=None,
        required=item.required,
        widget=forms.RadioSelect,
        error_messages={
            "required": f"Please choose a number from {item.minimum} to {item.maximum}.",
            "invalid_choice": CHOOSE_ONE,
        },
    )


def _activity_name(item: ActivityItem, initial: str) -> forms.CharField:
    return forms.CharField(
        label="What is the activity?",
        required=False,
        max_length=item.name_max_length,
        initial=initial,
        error_messages={
            "max_length": "Keep the name to %(limit_value)d characters or fewer "
            "(it has %(show_value)d)."
        },
    )


def _activity_rating(item: ActivityItem) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=f"How well can you do it now, from {item.minimum} to {item.maximum}?",
        choices=[("", "Choose a number"), *_rating_labels(item)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": f"Choose a number from {item.minimum} to {item.maximum}."
        },
    )
