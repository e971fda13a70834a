"""Snippets shared across pages: the people behind the content and the taxonomies."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index


class Person(index.Indexed, models.Model):
    """An author or medical reviewer, shown with credentials beside what they wrote."""

    class Role(models.TextChoices):
        PHYSICIAN = "physician", "Physician"
        PHYSICAL_THERAPIST = "physical_therapist", "Physical therapist"
        PSYCHOLOGIST = "psychologist", "Psychologist"
        NURSE = "nurse", "Nurse"
        EDITOR = "editor", "Editor"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    credentials = models.CharField(max_length=150, blank=True, help_text="For example MD, DPT.")
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PHYSICIAN)
    job_title = models.CharField(max_length=150, blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    bio = models.TextField(blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("credentials"),
        FieldPanel("role"),
        FieldPanel("job_title"),
        FieldPanel("photo"),
        FieldPanel("bio"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Taxonomy(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Topic(Taxonomy):
    """A reader-facing subject used to group and filter articles."""


class Condition(Taxonomy):
    """A medical condition a page is about (the JSON-LD ``about``)."""


class ContraindicationTag(Taxonomy):
    """Something a patient may be told to avoid, e.g. "deep stretching"."""

    class Meta(Taxonomy.Meta):
        verbose_name = "contraindication"
