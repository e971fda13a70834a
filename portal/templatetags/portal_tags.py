import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

from portal.services.text import html_to_text

register = template.Library()


@register.filter
def relative_date(value: datetime.date | datetime.datetime | None) -> str:
    """'today', 'yesterday' or '3 weeks ago' for a past date."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    days = (timezone.localdate() - value).days
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 0:
        return f"in {timesince(timezone.localdate(), value, depth=1)}"
    return f"{timesince(value, timezone.localdate(), depth=1)} ago"


@register.filter
def page_description(page) -> str:
    """What search engines show under the page's title: the editor's search description,
    else the page's own summary, hero text or introduction (as plain text)."""
    for name in ("search_description", "summary", "hero_text"):
        text = " ".join((getattr(page, name, "") or "").split())
        if text:
            return text
    return html_to_text(str(getattr(page, "intro", "") or ""))
