"""Editor panels: a read-only readability report on the page being edited."""

from wagtail.admin.panels import Panel


class ReadabilityPanel(Panel):
    """Flesch–Kincaid grade of the revision being edited, warning above the target grade."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "portal/admin/readability_panel.html"

        def get_context_data(self, parent_context=None):
            from portal.services.readability import page_readability

            context = super().get_context_data(parent_context)
            context["readability"] = page_readability(self.instance)
            return context
