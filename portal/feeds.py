"""RSS feed of the newest articles, served by the article index at /articles/feed/."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Rss201rev2Feed

FEED_LENGTH = 20


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed

    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page
        self.request = None

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return self.index_page.title

    def link(self) -> str:
        return self.index_page.get_url(self.request)

    def description(self) -> str:
        return f"New patient education articles: {self.index_page.title}"

    def items(self):
        return self.index_page.articles()[:FEED_LENGTH]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary

    def item_link(self, item) -> str:
        return item.get_url(self.request)

    def item_author_name(self, item) -> str | None:
        return item.author.display_name if item.author else None

    def item_pubdate(self, item) -> datetime.datetime | None:
        if item.publish_date:
            return timezone.make_aware(
                datetime.datetime.combine(item.publish_date, datetime.time())
            )
        return item.first_published_at

    def item_updateddate(self, item) -> datetime.datetime | None:
        return item.last_published_at

    def item_categories(self, item) -> list[str]:
        return [topic.name for topic in item.topics.all()]
