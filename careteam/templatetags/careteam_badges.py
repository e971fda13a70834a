"""``{% status_badge status label %}``: a plan's, goal's or activity's status as a coloured
badge (``badge--<status>`` in the stylesheet). A tag, not an include: the plan page draws
one in every row of its goal and activity tables."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def status_badge(status: str, label: str) -> SafeString:
    return format_html('<span class="badge badge--{}">{}</span>', status, label)
