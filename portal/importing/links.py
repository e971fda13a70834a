"""Links in imported articles: to other articles (by slug) and to pages of this site."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Page

MARKDOWN_SUFFIXES = (".md", ".markdown")


def slug_from_href(href: str) -> str:
    """``/articles/pacing/``, ``https://old.blog/posts/pacing`` or ``pacing.md`` → ``pacing``."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "http", "https"):
        return ""
    segments = [segment for segment in parts.path.split("/") if segment]
    if not segments:
        return ""
    last = Path(segments[-1])
    return slugify(last.stem if last.suffix.lower() in (*MARKDOWN_SUFFIXES, ".html") else last)


def is_site_path(href: str) -> bool:
    """A plain path on this site, such as ``/treatments/prolotherapy/``."""
    parts = urlsplit(href)
    return (
        parts.path.startswith("/")
        and not (parts.scheme or parts.netloc or parts.query or parts.fragment)
        and not href.startswith("//")
    )


class PageLinks:
    """Turns links to pages of this site into Wagtail page links, which follow a page if it moves.

    Build it once every imported page exists, so articles can link to each other in any order.
    """

    def __init__(self, site_root: Page) -> None:
        self.root_url_path = site_root.url_path
        self._pages: dict[str, int | None] = {}

    def page_id_for(self, href: str) -> int | None:
        path = urlsplit(href).path.strip("/")
        url_path = f"{self.root_url_path}{path}/" if path else self.root_url_path
        if url_path not in self._pages:
            self._pages[url_path] = (
                Page.objects.filter(url_path=url_path).values_list("pk", flat=True).first()
            )
        return self._pages[url_path]

    def rewrite(self, html: str) -> tuple[str, list[str]]:
        """The rich text with site links as page links, and the site paths matching no page."""
        soup = BeautifulSoup(html, "html.parser")
        unmatched = []
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if not is_site_path(href):
                continue
            page_id = self.page_id_for(href)
            if page_id is None:
                unmatched.append(href)
            else:
                link.attrs = {"linktype": "page", "id": str(page_id)}
        return soup.decode(formatter=escape), unmatched
