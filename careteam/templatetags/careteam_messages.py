"""Messages (``django.contrib.messages``) shown next to the part of a page they concern.

A change made from the plan page redirects back to the part it changed (``plan/#team-notes``)
and tags its message with that anchor (``extra_tags``, ``careteam.views.editing``), so the
message appears under the part's heading, where the browser lands, instead of at the top
of the page, scrolled out of sight. In a template::

    {% load careteam_messages %}
    {% with notices=messages|about:"team-notes" %}...{% endwith %}

``messages|about:""`` gives the messages about no part: the page's own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.contrib.messages.storage.base import Message

register = template.Library()


@register.filter
def about(messages: Iterable[Message], anchor: str) -> list[Message]:
    """The messages tagged with ``anchor`` (the id of the part they concern)."""
    return [message for message in messages if (message.extra_tags or "") == anchor]
