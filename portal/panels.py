"""Editor panels: a read-only readability report and the tabs article and treatment pages share."""

from django import forms
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel, TabbedInterface
from wagtail.models import Page

from portal.services.readability import page_readability


class ReadabilityPanel(Panel):
    """Flesch–Kincaid grade of the revision being edited, warning above the target grade."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/admin/readability_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["readability"] = page_readability(self.instance)
            return context


def medical_review_panels(*classification_fields: str) -> list[Panel]:
    """Who wrote and reviewed the page and when, then what it is about."""
    return [
        MultiFieldPanel(
            [
                FieldPanel("author"),
                FieldPanel("medical_reviewer"),
                FieldPanel("last_reviewed"),
                FieldPanel("next_review_due"),
            ],
            heading="Authorship and medical review",
        ),
        MultiFieldPanel(
            [
                FieldPanel(name, widget=forms.CheckboxSelectMultiple)
                for name in classification_fields
            ],
            heading="Classification",
        ),
    ]


def medical_page_editor(
    content_panels: list[Panel],
    review_panels: list[Panel],
    promote_panels: list[Panel],
    *,
    review_heading: str,
) -> TabbedInterface:
    return TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(review_panels, heading=review_heading),
            ObjectList(promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
