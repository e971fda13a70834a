"""The page cache's app: connects the purge receivers (``pagecache.signals``)."""

from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        from pagecache import signals

        signals.connect()
