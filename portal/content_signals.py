"""Bump the content generation (portal.services.content_generation) whenever content changes.

`connect()` is called once from `PortalConfig.ready`. Every page type's saves and deletions
count (publishing and unpublishing save the page), as do moves, the snippets and images that
pages show, the rows edited inline on an article, view restrictions and sites.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.signals import page_unpublished, post_page_move

from portal.models import (
    ArticleFaqItem,
    ArticleRelatedArticle,
    Condition,
    ContraindicationTag,
    Person,
    Topic,
    TreatmentFaqItem,
)
from portal.services.content_generation import bump

_SIGNAL_ID = "portal-content-generation"


def _content_changed(sender: Any, **kwargs: Any) -> None:
    bump()


def connect() -> None:
    models = [
        *get_page_models(),
        ArticleFaqItem,
        ArticleRelatedArticle,
        TreatmentFaqItem,
        Condition,
        ContraindicationTag,
        Person,
        Topic,
        get_image_model(),
        PageViewRestriction,
        Site,
    ]
    for model in models:
        post_save.connect(_content_changed, sender=model, dispatch_uid=_SIGNAL_ID)
        post_delete.connect(_content_changed, sender=model, dispatch_uid=_SIGNAL_ID)
    post_page_move.connect(_content_changed, dispatch_uid=_SIGNAL_ID)
    page_unpublished.connect(_content_changed, dispatch_uid=_SIGNAL_ID)
