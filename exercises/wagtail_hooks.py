"""The exercise library in Wagtail's admin: a snippet with drafts and revisions, kept by
the editors (the Editors and Moderators groups hold its permissions: migration 0002)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Exercise


class ExerciseViewSet(SnippetViewSet):
    model = Exercise
    icon = "pick"
    menu_label = "Exercises"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "difficulty", "live"]
    list_filter = ["difficulty", "live"]
    search_fields = ["name"]


register_snippet(ExerciseViewSet)
