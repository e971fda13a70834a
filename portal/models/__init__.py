"""Wagtail content models for the patient education portal."""

from .mixins import MedicalReviewMixin
from .orderables import (
    ArticleFaqItem,
    ArticleRelatedArticle,
    HomePageFeaturedArticle,
    TreatmentFaqItem,
)
from .pages import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    TreatmentIndexPage,
    TreatmentPage,
)
from .snippets import Condition, ContraindicationTag, Person, Topic

__all__ = [
    "ArticleFaqItem",
    "ArticleIndexPage",
    "ArticlePage",
    "ArticleRelatedArticle",
    "Condition",
    "ContraindicationTag",
    "HomePage",
    "HomePageFeaturedArticle",
    "MedicalReviewMixin",
    "Person",
    "Topic",
    "TreatmentFaqItem",
    "TreatmentIndexPage",
    "TreatmentPage",
]
