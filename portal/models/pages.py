"""The page tree: home, article index and articles, treatment index and treatments."""

from __future__ import annotations

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.blocks import StreamValue
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.search import index

from portal.blocks import (
    RICH_TEXT_FEATURES,
    ArticleBodyBlock,
    KeyTakeawayBlock,
    TreatmentSectionBlock,
)
from portal.feeds import ArticleFeed
from portal.panels import ReadabilityPanel, medical_page_editor, medical_review_panels
from portal.rich_text_links import serve_with_page_link_cache
from portal.services.page_context import (
    article_page_context,
    breadcrumbs,
    treatment_page_context,
)
from portal.summaries import SUMMARY_HELP, summary_length_validator

from .mixins import MedicalReviewMixin
from .orderables import ArticleRelatedArticle
from .snippets import Topic

ARTICLES_PER_PAGE = 12
# The rendition article cards show. Listings select the image in the same query and prefetch
# just this rendition into the attribute Wagtail's prefetch_renditions() fills, so a card costs
# no query and a whole listing one extra.
CARD_IMAGE_SPEC = "fill-480x270"


def card_image_prefetch() -> Prefetch:
    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_IMAGE_SPEC)
    return Prefetch("image__renditions", queryset=renditions, to_attr="prefetched_renditions")


def for_cards(articles: QuerySet[ArticlePage]) -> QuerySet[ArticlePage]:
    """What an article card shows, fetched with the listing and never one card at a time."""
    return (
        articles.select_related("author", "image")
        .prefetch_related(card_image_prefetch())
        .defer_streamfields()
    )


class HomePage(Page):
    hero_title = models.CharField(max_length=200, blank=True)
    hero_text = models.TextField(blank=True)
    hero_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_link = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hero_link_text = models.CharField(max_length=80, blank=True)
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_image"),
                PageChooserPanel("hero_link"),
                FieldPanel("hero_link_text"),
            ],
            heading="Hero",
        ),
        FieldPanel("intro"),
        InlinePanel("featured_article_links", label="Featured articles", max_num=6),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.ArticleIndexPage", "portal.TreatmentIndexPage"]
    max_count = 1
    template = "portal/home_page.html"

    def featured_articles(self) -> list[ArticlePage]:
        """The editor's picks in their order; without picks, the three newest articles."""
        visible = for_cards(ArticlePage.objects.live().public())
        order = {
            link.article_id: link.sort_order or 0 for link in self.featured_article_links.all()
        }
        if not order:
            return list(visible.order_by("-publish_date", "-first_published_at")[:3])
        return sorted(visible.filter(pk__in=order), key=lambda article: order[article.pk])

    def treatments(self) -> QuerySet[TreatmentPage]:
        return TreatmentPage.objects.live().public().order_by("title")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["featured_articles"] = self.featured_articles()
        context["treatments"] = self.treatments().defer_streamfields()
        context["article_index"] = ArticleIndexPage.objects.live().first()
        return context


class ArticleIndexPage(RoutablePageMixin, Page):
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.ArticlePage"]
    max_count = 1
    template = "portal/article_index_page.html"

    def visible_articles(self) -> QuerySet[ArticlePage]:
        """Live articles below this index that anyone may read."""
        return ArticlePage.objects.live().public().descendant_of(self)

    def articles(self, visible: QuerySet[ArticlePage] | None = None) -> QuerySet[ArticlePage]:
        """The visible articles, newest first, ready for a listing."""
        visible = self.visible_articles() if visible is None else visible
        return (
            for_cards(visible)
            .prefetch_related("topics")
            .order_by("-publish_date", "-first_published_at", "pk")
        )

    def topics_in_use(self, visible: QuerySet[ArticlePage] | None = None) -> QuerySet[Topic]:
        """Topics of visible articles only, so drafts and private pages leave no trace."""
        visible = self.visible_articles() if visible is None else visible
        return (
            Topic.objects.filter(articles__in=visible.values("pk"))
            .annotate(article_count=Count("articles", distinct=True))
            .order_by("name")
        )

    def paginate(self, request: HttpRequest, articles: QuerySet) -> PaginatorPage:
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        return paginator.get_page(request.GET.get("page"))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        visible = self.visible_articles()
        articles = self.articles(visible)
        topic_slug = request.GET.get("topic", "").strip()
        current_topic = None
        if topic_slug:
            current_topic = Topic.objects.filter(slug=topic_slug).first()
            articles = articles.filter(topics=current_topic) if current_topic else articles.none()
        context["topic_slug"] = topic_slug
        context["current_topic"] = current_topic
        context["topics"] = self.topics_in_use(visible)
        context["breadcrumbs"] = breadcrumbs(self)
        context["articles"] = self.paginate(request, articles)
        return context

    def route(self, request, path_components):
        # An article and its people in one query, instead of Wagtail's generic child lookup,
        # its .specific and two more for the author and reviewer.
        if len(path_components) == 1 and self.live:
            try:
                self.resolve_subpage(f"/{path_components[0]}/")
            except Http404:
                article = (
                    ArticlePage.objects.child_of(self)
                    .filter(slug=path_components[0])
                    .select_related("author__photo", "medical_reviewer__photo")
                    .first()
                )
                if article is not None:
                    article._cached_parent_obj = self
                    return article.route(request, [])
        return super().route(request, path_components)

    @path("")
    def index_route(self, request):
        return self.render(request)

    @path("feed/")
    def feed(self, request):
        return ArticleFeed(self)(request)


class ArticlePage(MedicalReviewMixin, Page):
    summary = models.TextField(help_text=SUMMARY_HELP, validators=[summary_length_validator()])
    publish_date = models.DateField(
        null=True,
        blank=True,
        help_text="Shown to readers. Left blank, it becomes the first publication date.",
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in listings and at the top of the article.",
    )
    key_takeaways = StreamField([("takeaway", KeyTakeawayBlock())], blank=True)
    body = StreamField(ArticleBodyBlock())
    author = models.ForeignKey(
        "portal.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_written",
    )
    medical_reviewer = models.ForeignKey(
        "portal.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_reviewed",
    )
    topics = ParentalManyToManyField("portal.Topic", blank=True, related_name="articles")
    conditions = ParentalManyToManyField("portal.Condition", blank=True, related_name="articles")
    contraindications = ParentalManyToManyField(
        "portal.ContraindicationTag", blank=True, related_name="articles"
    )

    content_panels = Page.content_panels + [
        ReadabilityPanel(heading="Readability"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("key_takeaways"),
        FieldPanel("body"),
        InlinePanel("faq_items", label="Frequently asked questions"),
        InlinePanel("related_article_links", label="Related articles"),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("publish_date")]
    review_panels = medical_review_panels("topics", "conditions", "contraindications")
    edit_handler = medical_page_editor(
        content_panels, review_panels, promote_panels, review_heading="Review and topics"
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("key_takeaways"),
        index.SearchField("body"),
        index.RelatedFields(
            "faq_items", [index.SearchField("question"), index.SearchField("answer")]
        ),
        index.RelatedFields("topics", [index.SearchField("name")]),
        index.FilterField("publish_date"),
    ]

    parent_page_types = ["portal.ArticleIndexPage"]
    subpage_types: list[str] = []
    template = "portal/article_page.html"

    def save(self, *args, **kwargs):
        if self.publish_date is None and self.first_published_at is not None:
            self.publish_date = self.first_published_at.date()
        return super().save(*args, **kwargs)

    def reader_streams(self) -> list[StreamValue]:
        """What a reader reads below the title before the FAQ (word count, readability)."""
        return [self.key_takeaways, self.body]

    def related_articles(self, limit: int | None = 3) -> list[ArticlePage]:
        """Articles the editor chose; failing that, live articles sharing the most topics."""
        visible = for_cards(ArticlePage.objects.live().public().exclude(pk=self.pk))
        if self.related_article_links.is_deferring:
            chosen = self._chosen_in_memory(visible)[:limit]
        else:
            link_order = ArticleRelatedArticle.objects.filter(
                page=self.pk, article=models.OuterRef("pk")
            ).values("sort_order")[:1]
            chosen = (
                visible.filter(pk__in=self.related_article_links.values("article_id"))
                .annotate(link_order=models.Subquery(link_order))
                .order_by("link_order", "pk")
            )
            chosen = list(chosen[:limit] if limit else chosen)
        if chosen:
            return chosen
        shared = (
            visible.filter(topics__in=self.topics.all())
            .annotate(shared_topics=Count("topics"))
            .order_by("-shared_topics", "-publish_date", "pk")
        )
        return list(shared[:limit] if limit else shared)

    def _chosen_in_memory(self, visible: QuerySet[ArticlePage]) -> list[ArticlePage]:
        """A preview's links are unsaved: order them as the editor left them in the form."""
        links = list(self.related_article_links.all())
        position = {
            link.article_id: (link.sort_order is None, link.sort_order or 0, index)
            for index, link in enumerate(links)
        }
        return sorted(visible.filter(pk__in=position), key=lambda article: position[article.pk])

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(article_page_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        return serve_with_page_link_cache(super().serve, request, *args, **kwargs)


class TreatmentIndexPage(Page):
    intro = RichTextField(blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.TreatmentPage"]
    max_count = 1
    template = "portal/treatment_index_page.html"

    def treatments(self) -> QuerySet[TreatmentPage]:
        return (
            TreatmentPage.objects.child_of(self)
            .live()
            .public()
            .defer_streamfields()
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["treatments"] = self.treatments()
        context["breadcrumbs"] = breadcrumbs(self)
        return context


TREATMENT_SECTIONS = [
    ("what_it_is", "What it is"),
    ("who_it_helps", "Who it helps"),
    ("what_to_expect", "What to expect"),
    ("risks", "Risks and side effects"),
    ("recovery", "Recovery"),
]


class TreatmentPage(MedicalReviewMixin, Page):
    summary = models.TextField(help_text=SUMMARY_HELP, validators=[summary_length_validator()])
    what_it_is = StreamField(TreatmentSectionBlock(), blank=True)
    who_it_helps = StreamField(TreatmentSectionBlock(), blank=True)
    what_to_expect = StreamField(TreatmentSectionBlock(), blank=True)
    risks = StreamField(TreatmentSectionBlock(), blank=True)
    recovery = StreamField(TreatmentSectionBlock(), blank=True)
    author = models.ForeignKey(
        "portal.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="treatments_written",
    )
    medical_reviewer = models.ForeignKey(
        "portal.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="treatments_reviewed",
    )
    conditions = ParentalManyToManyField("portal.Condition", blank=True, related_name="treatments")
    contraindications = ParentalManyToManyField(
        "portal.ContraindicationTag", blank=True, related_name="treatments"
    )

    content_panels = Page.content_panels + [
        ReadabilityPanel(heading="Readability"),
        FieldPanel("summary"),
        *[FieldPanel(name, heading=label) for name, label in TREATMENT_SECTIONS],
        InlinePanel("faq_items", label="Frequently asked questions"),
    ]
    review_panels = medical_review_panels("conditions", "contraindications")
    edit_handler = medical_page_editor(
        content_panels, review_panels, Page.promote_panels, review_heading="Review and conditions"
    )

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        *[index.SearchField(name) for name, _ in TREATMENT_SECTIONS],
        index.RelatedFields(
            "faq_items", [index.SearchField("question"), index.SearchField("answer")]
        ),
    ]

    parent_page_types = ["portal.TreatmentIndexPage"]
    subpage_types: list[str] = []
    template = "portal/treatment_page.html"

    def sections(self) -> list[tuple[str, str, StreamField]]:
        """(anchor, heading, content) for each section the editor filled in."""
        return [
            (name.replace("_", "-"), label, getattr(self, name))
            for name, label in TREATMENT_SECTIONS
            if getattr(self, name)
        ]

    def reader_streams(self) -> list[StreamValue]:
        """The filled-in sections in reading order (word count, readability)."""
        return [content for _, _, content in self.sections()]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(treatment_page_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        return serve_with_page_link_cache(super().serve, request, *args, **kwargs)
