"""A plan template (a Wagtail snippet with drafts and revisions) and the record of a plan
started from one.

Starting a plan copies the template's live revision into the plan (``services``): the plan
is then edited as usual and never changes the template, and later edits to the template
never reach the plans made from it. ``TemplateUse`` keeps which template and which revision
a plan came from, and what the copy could not do on its own (reading not assigned yet,
questionnaires to schedule)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, RevisionMixin

from careteam.models import CarePlan

from .blocks import PrecautionBlock, QuestionnaireBlock, SectionBlock


class PlanTemplateQuerySet(models.QuerySet["PlanTemplate"]):
    def usable(self) -> PlanTemplateQuerySet:
        """Published templates (a draft or unpublished one starts no plan), by title."""
        return self.filter(live=True).order_by("title", "pk")


class PlanTemplate(DraftStateMixin, RevisionMixin, models.Model):
    """A plan to start from: each discipline's goals, activities and suggested reading,
    the precautions, the flare plan and the questionnaires to schedule. Only its live
    (published) content is ever copied into a plan."""

    title = models.CharField(max_length=200, unique=True, help_text="What the team picks it by.")
    purpose = models.TextField(
        blank=True, help_text="Who it is for and when to choose it (for the team)."
    )
    plan_title = models.CharField(
        max_length=200, blank=True, help_text="The new plan's title; the template's if empty."
    )
    conditions = models.TextField(blank=True, help_text="Conditions it addresses, one per line.")
    patient_summary = models.TextField(
        blank=True, help_text="The plan in plain words, as the patient will read it."
    )
    red_flag_guidance = models.TextField(
        blank=True,
        help_text="Only advice for these patients: the urgent symptoms are always shown.",
    )
    flare_day_one = models.TextField("Flare plan: day 1", blank=True)
    flare_day_two = models.TextField("Flare plan: day 2", blank=True)
    flare_day_three = models.TextField("Flare plan: day 3 and after", blank=True)
    flare_when_to_call = models.TextField("Flare plan: when to call the clinic", blank=True)
    sections = StreamField([("section", SectionBlock())], blank=True)
    precautions = StreamField([("precaution", PrecautionBlock())], blank=True)
    questionnaires = StreamField(
        [("questionnaire", QuestionnaireBlock())],
        blank=True,
        help_text="Asked of the patient from the day the plan starts.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Revisions go with the template when it is deleted.
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="plantemplate")

    objects = PlanTemplateQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("purpose"),
        MultiFieldPanel(
            [
                FieldPanel("plan_title"),
                FieldPanel("conditions"),
                FieldPanel("patient_summary"),
                FieldPanel("red_flag_guidance"),
            ],
            heading="The plan",
        ),
        FieldPanel("sections"),
        FieldPanel("precautions"),
        MultiFieldPanel(
            [
                FieldPanel("flare_day_one"),
                FieldPanel("flare_day_two"),
                FieldPanel("flare_day_three"),
                FieldPanel("flare_when_to_call"),
            ],
            heading="Flare plan",
        ),
        FieldPanel("questionnaires"),
    ]

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = "plan template"
        # Declared so a data migration can grant it (Wagtail adds it after migrating).
        permissions = [("publish_plantemplate", "Can publish plan template")]

    def __str__(self) -> str:
        return self.title

    @property
    def revisions(self):
        return self._revisions

    @property
    def new_plan_title(self) -> str:
        return self.plan_title or self.title

    def clean(self) -> None:
        super().clean()
        errors = {}
        disciplines = [block.value["discipline"] for block in self.sections]
        if len(disciplines) != len(set(disciplines)):
            errors["sections"] = "Each discipline may have one section only."
        codes = [block.value["instrument"] for block in self.questionnaires]
        if len(codes) != len(set(codes)):
            errors["questionnaires"] = "Each questionnaire may be listed once only."
        if errors:
            raise ValidationError(errors)


class TemplateUse(models.Model):
    """A plan started from a template: which one, which revision, and what was left for the
    team to do by hand."""

    plan = models.OneToOneField(
        CarePlan, on_delete=models.CASCADE, related_name="template_use", editable=False
    )
    template = models.ForeignKey(
        PlanTemplate, null=True, on_delete=models.SET_NULL, related_name="uses"
    )
    # Kept if the template or its revision is later deleted.
    template_title = models.CharField(max_length=200)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The revision's id, kept if the revision is pruned.
    revision_pk = models.PositiveBigIntegerField(null=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_at = models.DateTimeField(auto_now_add=True)
    # Suggested reading not assigned when the plan started ({page_id, title, reason}).
    reading_left = models.JSONField(default=list, blank=True)
    # The questionnaires the template asks for ({instrument, every_days, scheduled, reason}),
    # and whether all of them were scheduled with the plan.
    questionnaires = models.JSONField(default=list, blank=True)
    questionnaires_scheduled = models.BooleanField(default=False)

    class Meta:
        verbose_name = "plan started from a template"

    def __str__(self) -> str:
        return f"Started from the template “{self.template_title}” (revision {self.revision_pk})"
