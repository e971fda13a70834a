"""Wagtail admin registration: people and taxonomies as snippets under one menu; the
portal's page editor (portal.page_editing); the readability report behind the editor's
panel (portal.readability_report)."""

from django.urls import path
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from portal import readability_report
from portal.models import (
    ArticleIndexPage,
    ArticlePage,
    Condition,
    ContraindicationTag,
    HomePage,
    Person,
    Topic,
    TreatmentIndexPage,
    TreatmentPage,
)
from portal.page_editing import portal_page_viewsets
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


@hooks.register("register_admin_viewset")
def register_portal_page_editor():
    return portal_page_viewsets(
        [HomePage, ArticleIndexPage, ArticlePage, TreatmentIndexPage, TreatmentPage]
    )


@hooks.register("register_admin_urls")
def register_readability_report():
    return [
        path(
            "portal/readability/<int:page_id>/",
            readability_report.edit_report,
            name="portal_readability_edit",
        ),
        path(
            "portal/readability/new/<str:app_label>/<str:model_name>/<int:parent_page_id>/",
            readability_report.add_report,
            name="portal_readability_add",
        ),
    ]
