"""The exercise library: one exercise as editors keep it in Wagtail (a snippet with drafts
and revisions; only the published version reaches the team's list)."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin
from wagtail.search import index

# A video is a Wagtail document of one of these types, served from the site.
VIDEO_EXTENSIONS = ("mp4", "webm", "m4v", "ogv")


class Difficulty(models.IntegerChoices):
    GENTLE = 1, "Gentle"
    MODERATE = 2, "Moderate"
    CHALLENGING = 3, "Challenging"


class Exercise(DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """One exercise: what it is for, how to do it step by step, pictures, an optional video,
    what to watch out for, and the contraindication tags articles use (a plan's precaution
    that avoids one of them asks the therapist to confirm before prescribing it)."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    purpose = models.TextField(help_text="What the exercise is for, in plain words.")
    steps = StreamField(
        [("step", blocks.TextBlock(label="Step", max_length=400))],
        help_text="In order: one step each.",
    )
    video = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=f"Optional: a video file ({', '.join(VIDEO_EXTENSIONS)}) served from this site.",
    )
    cautions = models.TextField(blank=True, help_text="What to watch out for; when to stop.")
    difficulty = models.PositiveSmallIntegerField(
        choices=Difficulty.choices, default=Difficulty.GENTLE
    )
    contraindications = ParentalManyToManyField(
        "portal.ContraindicationTag", blank=True, related_name="exercises"
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="exercise")

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("purpose"),
        FieldPanel("steps"),
        InlinePanel("images", label="Pictures"),
        FieldPanel("video"),
        MultiFieldPanel(
            [FieldPanel("cautions"), FieldPanel("difficulty"), FieldPanel("contraindications")],
            heading="Safety",
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("purpose"),
        index.FilterField("live"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def clean(self) -> None:
        super().clean()
        if self.video_id is not None and self.video is not None:
            extension = self.video.file_extension.lower()
            if extension not in VIDEO_EXTENSIONS:
                raise ValidationError(
                    {
                        "video": f"Choose a video file ({', '.join(VIDEO_EXTENSIONS)}); "
                        f"“{self.video.title}” is a .{extension or '?'} file."
                    }
                )

    @property
    def step_texts(self) -> list[str]:
        return [str(block.value) for block in self.steps]


class ExerciseImage(Orderable):
    """A picture of the exercise, in the order the editor set."""

    exercise = ParentalKey(Exercise, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the picture shows (read out to screen-reader users).",
    )

    panels = [FieldPanel("image"), FieldPanel("caption")]

    @property
    def alt_text(self) -> str:
        return self.caption or getattr(self.image, "description", "") or self.image.title
