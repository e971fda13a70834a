"""Plan templates in the Wagtail admin (/cms/snippets/plantemplates/plantemplate/): drafts,
revisions to compare and revert to, and publishing, for the groups ``keepers`` sets up."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PlanTemplate


class PlanTemplateViewSet(SnippetViewSet):
    model = PlanTemplate
    icon = "clipboard-list"
    menu_label = "Plan templates"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "live", "updated_at"]
    list_filter = ["live"]


register_snippet(PlanTemplateViewSet)
