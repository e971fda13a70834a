"""Ordered child rows edited inline on their page."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from portal.blocks import RICH_TEXT_FEATURES


class FaqItem(Orderable):
    question = models.CharField(max_length=255)
    answer = RichTextField(features=RICH_TEXT_FEATURES)

    panels = [FieldPanel("question"), FieldPanel("answer")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self) -> str:
        return self.question


class ArticleFaqItem(FaqItem):
    page = ParentalKey("portal.ArticlePage", on_delete=models.CASCADE, related_name="faq_items")


class TreatmentFaqItem(FaqItem):
    page = ParentalKey("portal.TreatmentPage", on_delete=models.CASCADE, related_name="faq_items")


class ArticleRelatedArticle(Orderable):
    page = ParentalKey(
        "portal.ArticlePage", on_delete=models.CASCADE, related_name="related_article_links"
    )
    article = models.ForeignKey("portal.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", page_type="portal.ArticlePage")]


class HomePageFeaturedArticle(Orderable):
    page = ParentalKey(
        "portal.HomePage", on_delete=models.CASCADE, related_name="featured_article_links"
    )
    article = models.ForeignKey("portal.ArticlePage", on_delete=models.CASCADE, related_name="+")

    panels = [PageChooserPanel("article", page_type="portal.ArticlePage")]
