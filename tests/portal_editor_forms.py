"""What Wagtail's page editor posts for a page nobody has touched, built as a browser would:
the fields the edit page renders, plus each StreamField's blocks, which the browser builds
from their form state (telepath) and posts under Wagtail's names (``body-0-type`` ...).

    data = untouched_edit_form(client, page)   # {name: [values]}, ready to post back
"""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from wagtail.blocks import ListBlock, StreamBlock, StructBlock
from wagtail.fields import StreamField
from wagtail.test.utils.form_data import querydict_from_html

EDIT_FORM_ID = "page-edit-form"


def _post_block(data: QueryDict, block, state: Any, prefix: str) -> None:
    if isinstance(block, StreamBlock):
        data[f"{prefix}-count"] = str(len(state))
        for index, child in enumerate(state):
            child_prefix = f"{prefix}-{index}"
            data[f"{child_prefix}-type"] = child["type"]
            data[f"{child_prefix}-id"] = child.get("id") or ""
            data[f"{child_prefix}-deleted"] = ""
            data[f"{child_prefix}-order"] = str(index)
            _post_block(
                data, block.child_blocks[child["type"]], child["value"], f"{child_prefix}-value"
            )
    elif isinstance(block, StructBlock):
        for name, child_block in block.child_blocks.items():
            _post_block(data, child_block, state.get(name), f"{prefix}-{name}")
    elif isinstance(block, ListBlock):
        raise NotImplementedError("no ListBlock in the portal's pages")
    elif isinstance(state, list):  # a select's chosen values
        data.setlist(prefix, [str(value) for value in state])
    elif isinstance(state, dict):  # a chooser's state: its id is what is posted
        data[prefix] = str(state.get("id") or "")
    else:
        data[prefix] = "" if state is None else str(state)


def untouched_edit_form(client: Client, page) -> dict[str, list[str]]:
    """The edit form of ``page`` (its latest revision) exactly as loaded, ready to post (as
    lists: the test client would post only the last of a QueryDict's values)."""
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id=EDIT_FORM_ID)
    latest = page.get_latest_revision_as_object()
    for field in latest._meta.get_fields():
        if isinstance(field, StreamField):
            for key in [key for key in data if key.startswith(f"{field.name}-")]:
                del data[key]
            stream = getattr(latest, field.name)
            _post_block(
                data, field.stream_block, field.stream_block.get_form_state(stream), field.name
            )
    return dict(data.lists())
