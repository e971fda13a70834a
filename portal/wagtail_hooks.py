"""Wagtail admin registration: people and taxonomies as snippets under one menu."""

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal.models import Condition, ContraindicationTag, Person, Topic
from portal.rich_text_link_handler import CachedPageLinkHandler


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    menu_label = "People"
    list_display = ["name", "credentials", "role", "job_title"]
    list_filter = ["role"]
    search_fields = ["name"]


class TaxonomyViewSet(SnippetViewSet):
    icon = "tag"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class TopicViewSet(TaxonomyViewSet):
    model = Topic


class ConditionViewSet(TaxonomyViewSet):
    model = Condition
    icon = "clipboard-list"


class ContraindicationTagViewSet(TaxonomyViewSet):
    model = ContraindicationTag
    icon = "warning"
    menu_label = "Contraindications"


class ContentTaxonomyGroup(SnippetViewSetGroup):
    menu_label = "People & topics"
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (PersonViewSet, TopicViewSet, ConditionViewSet, ContraindicationTagViewSet)


register_snippet(ContentTaxonomyGroup)


# order=1: after Wagtail's own hook, so this handler replaces its "page" link type.
@hooks.register("register_rich_text_features", order=1)
def register_cached_page_links(features) -> None:
    features.register_link_type(CachedPageLinkHandler)
