"""Editor panels: a readability report that follows the editor's typing, and the tabs
article and treatment pages share."""

from django import forms
from django.urls import reverse
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel, TabbedInterface
from wagtail.models import Page

from portal.services.readability import page_readability, summary_readability
from portal.summaries import SUMMARY_MAX_LENGTH


def readability_context(page, *, faq_items=None, summary: str | None = None) -> dict:
    """The report: the grade of the text below the title, and of the summary with its
    length (``faq_items`` and ``summary``: as edited, when not yet the page's own)."""
    return {
        "readability": page_readability(page, faq_items),
        "summary": summary_readability(
            page.summary if summary is None else summary, SUMMARY_MAX_LENGTH
        ),
    }


class ReadabilityPanel(Panel):
    """Flesch–Kincaid grade of the text and of the summary, warning above the target grade;
    portal/static/portal/js/readability.js brings it up to date while the editor types
    (portal.readability_report)."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/admin/readability_panel.html"

        class Media:
            js = ["portal/js/readability.js"]

        def report_url(self) -> str:
            page = self.instance
            if page.pk:
                return reverse("portal_readability_edit", args=[page.pk])
            parent = getattr(self.form, "parent_page", None)
            if parent is None:
                return ""
            meta = page._meta
            return reverse(
                "portal_readability_add", args=[meta.app_label, meta.model_name, parent.pk]
            )

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context.update(readability_context(self.instance))
            context["report_url"] = self.report_url()
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
