"""StreamField blocks for patient education pages."""

from django.utils.text import slugify
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]

CALLOUT_KINDS = [
    ("urgent", "Urgent: seek care now"),
    ("red_flag", "Red flag"),
    ("warning", "Warning"),
    ("tip", "Tip"),
    ("info", "Information"),
]

# The visible label of each kind. Imported callouts have no title and their label was taken
# out of the body, so this label is the only place a reader learns what kind of note it is.
CALLOUT_LABELS = {
    "urgent": "Get help now",
    "red_flag": "Red flag",
    "warning": "Warning",
    "tip": "Tip",
    "info": "Note",
}


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(choices=[("h2", "Section (H2)"), ("h3", "Subsection (H3)")])
    anchor = blocks.CharBlock(
        required=False,
        max_length=80,
        help_text="Link target for this heading. Leave blank to use the heading text.",
    )

    class Meta:
        icon = "title"
        template = "portal/blocks/heading.html"

    @staticmethod
    def base_anchor(value) -> str:
        return slugify(value.get("anchor") or value.get("text") or "") or "section"


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=CALLOUT_KINDS, default="info")
    title = blocks.CharBlock(required=False, max_length=120)
    body = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "portal/blocks/callout.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        label = CALLOUT_LABELS.get(value.get("kind"), CALLOUT_LABELS["info"])
        title = (value.get("title") or "").strip()
        context["label"] = label
        context["title"] = "" if title.casefold() == label.casefold() else title
        return context


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250, help_text="Describe what the image shows for people who cannot see it."
    )
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        template = "portal/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "openquote"
        template = "portal/blocks/quote.html"


class TreatmentLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(page_type="portal.TreatmentPage")
    blurb = blocks.TextBlock(required=False, help_text="Why this treatment matters here.")

    class Meta:
        icon = "link"
        template = "portal/blocks/treatment_link.html"


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    callout = CalloutBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    treatment_link = TreatmentLinkBlock()


class TreatmentSectionBlock(blocks.StreamBlock):
    """One section of a treatment page: text with optional subheadings and callouts."""

    subheading = blocks.CharBlock(max_length=200, icon="title", template="portal/blocks/h3.html")
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, icon="pilcrow")
    callout = CalloutBlock()
    image = CaptionedImageBlock()
    quote = QuoteBlock()


class KeyTakeawayBlock(blocks.StructBlock):
    lead = blocks.CharBlock(max_length=120, help_text="A few bold words.")
    text = blocks.TextBlock(help_text="One plain sentence.")

    class Meta:
        icon = "tick"
