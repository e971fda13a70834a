"""The parts of a plan template as Wagtail blocks: a section per discipline (goals,
activities, suggested reading), precautions and questionnaires to schedule.

Choices come from where the plan keeps them (careteam's disciplines, activity kinds and
procedures; the questionnaire registry), so a template offers nothing a plan cannot hold.
Dates are relative: a goal is due so many weeks, an activity planned so many days, after
the plan starts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from careteam.models import ActivityKind, Discipline, Procedure
from patientportal.models.questionnaires import instrument_choices

# How far ahead a template may place a goal or an activity, and the longest interval
# between two times a questionnaire is asked (a year).
MAX_DUE_WEEKS = 104
MAX_AFTER_DAYS = 730
MAX_EVERY_DAYS = 365


class GoalBlock(blocks.StructBlock):
    description = blocks.TextBlock(help_text="The outcome, as the patient will read it.")
    measure = blocks.CharBlock(
        required=False, max_length=200, help_text="For example: pain on the 0–10 NRS."
    )
    target = blocks.CharBlock(required=False, max_length=200, help_text="For example: 4 or less.")
    due_after_weeks = blocks.IntegerBlock(
        required=False,
        min_value=1,
        max_value=MAX_DUE_WEEKS,
        help_text="Weeks after the plan starts; leave empty for no due date.",
    )
    visible_to_patient = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "success"
        label = "Goal"


class ActivityBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=ActivityKind.choices, default=ActivityKind.EXERCISE)
    title = blocks.CharBlock(max_length=200)
    schedule = blocks.CharBlock(
        required=False, max_length=200, help_text="How often or when, e.g. “daily, 10 minutes”."
    )
    instructions = blocks.TextBlock(required=False, help_text="Written for the patient.")
    do_not_perform = blocks.BooleanBlock(
        required=False, help_text="A contraindicated activity: the patient reads “do not”."
    )
    procedure = blocks.ChoiceBlock(
        choices=Procedure.choices, required=False, help_text="For a procedure: which one."
    )
    after_days = blocks.IntegerBlock(
        required=False,
        min_value=0,
        max_value=MAX_AFTER_DAYS,
        help_text="Planned this many days after the plan starts; leave empty for no date.",
    )
    visible_to_patient = blocks.BooleanBlock(required=False, default=True)

    class Meta:
        icon = "list-ul"
        label = "Activity"

    def clean(self, value):
        value = super().clean(value)
        if value.get("procedure") and value.get("kind") != ActivityKind.PROCEDURE:
            raise StructBlockValidationError(
                block_errors={"procedure": ValidationError("Only a procedure can name one.")}
            )
        return value


class ReadingBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(page_type=["portal.ArticlePage", "portal.TreatmentPage"])
    note = blocks.TextBlock(required=False, help_text="Why it is worth reading, for the patient.")

    class Meta:
        icon = "doc-full"
        label = "Suggested reading"


class SectionBlock(blocks.StructBlock):
    discipline = blocks.ChoiceBlock(choices=Discipline.choices)
    goals = blocks.ListBlock(GoalBlock(), default=[])
    activities = blocks.ListBlock(ActivityBlock(), default=[])
    reading = blocks.ListBlock(
        ReadingBlock(),
        default=[],
        label="Suggested reading",
        help_text="Assigned to the patient when the plan is active and they have a portal "
        "login, unless the plan's precautions rule the page out.",
    )

    class Meta:
        icon = "folder-open-inverse"
        label = "Discipline section"


class PrecautionBlock(blocks.StructBlock):
    description = blocks.TextBlock(help_text="Shown to the patient.")
    avoid_tag = SnippetChooserBlock(
        "portal.ContraindicationTag",
        required=False,
        label="What it rules out",
        help_text="Reading tagged with this is flagged before it reaches the patient.",
    )

    class Meta:
        icon = "warning"
        label = "Precaution"


class QuestionnaireBlock(blocks.StructBlock):
    instrument = blocks.ChoiceBlock(choices=instrument_choices)
    every_days = blocks.IntegerBlock(
        min_value=1,
        max_value=MAX_EVERY_DAYS,
        label="Every (days)",
        help_text="Days between one time and the next (14 is every two weeks).",
    )

    class Meta:
        icon = "form"
        label = "Questionnaire"
