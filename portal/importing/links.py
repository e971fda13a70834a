"""Links in imported articles: to other articles (by slug), to pages of this site, and the
treatment cards that link to treatment pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import Page

from portal.models import TreatmentPage

from .document import BodyBlock, Paragraph, TreatmentLink
from .rich_text import to_rich_text

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

    def treatment_page_id(self, href: str) -> int | None:
        """The live treatment page a site path leads to, if it leads to one."""
        if not is_site_path(href):
            return None
        page_id = self.page_id_for(href)
        if page_id is None or not TreatmentPage.objects.live().filter(pk=page_id).exists():
            return None
        return page_id


def with_treatment_pages(
    body: list[BodyBlock], page_links: PageLinks, warn: Callable[[str], None]
) -> list[BodyBlock]:
    """Each treatment card pointed at its page; a card whose link leads to no live treatment
    page of this site is kept as a paragraph with the link (and a warning)."""
    found: list[BodyBlock] = []
    for block in body:
        if isinstance(block, TreatmentLink):
            page_id = page_links.treatment_page_id(block.href)
            if page_id is not None:
                block = replace(block, page_id=page_id)
            else:
                warn(f"treatment card {block.href!r} leads to no treatment page; kept as text")
                link = f'<a href="{escape(block.href)}">{escape(block.title)}</a>'
                html, _ = to_rich_text(f"<p>{link} {escape(block.blurb)}</p>")
                block = Paragraph(html=html)
        found.append(block)
    return found
