"""Marks each request that serves a Wagtail page, so the page cache may keep its answer."""

from django.http import HttpRequest
from wagtail import hooks
from wagtail.models import Page

from pagecache.rules import mark_served_page


@hooks.register("before_serve_page")
def note_served_page(page: Page, request: HttpRequest, serve_args, serve_kwargs) -> None:
    mark_served_page(request, page)
