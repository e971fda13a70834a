import datetime

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

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
