"""YAML front matter: split it from the Markdown and read its fields strictly."""

from __future__ import annotations

import datetime
from typing import Any

import frontmatter
import yaml
from django.utils.text import slugify

from .document import ArticleParseError

KNOWN_FIELDS = {
    "title",
    "slug",
    "author",
    "reviewer",
    "medical_reviewer",
    "date",
    "publish_date",
    "last_reviewed",
    "next_review_due",
    "topics",
    "conditions",
    "contraindications",
    "summary",
}

_FRONT_MATTER = frontmatter.YAMLHandler()


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    text = text.lstrip("\ufeff")
    if not _FRONT_MATTER.detect(text):
        if text.lstrip().startswith("---"):
            raise ArticleParseError("front matter is not closed with a '---' line")
        return {}, text
    try:
        raw_fields, content = _FRONT_MATTER.split(text)
    except ValueError:
        raise ArticleParseError("front matter is not closed with a '---' line") from None
    try:
        fields = yaml.safe_load(raw_fields)
    except yaml.YAMLError as error:
        raise ArticleParseError(f"invalid YAML front matter{_yaml_problem(error)}") from error
    if fields is None:
        return {}, content
    if not isinstance(fields, dict):
        raise ArticleParseError("front matter must be 'name: value' lines")
    return fields, content


def _yaml_problem(error: yaml.YAMLError) -> str:
    # Marks count from the line holding the opening '---', so a mark's 0-based line is the
    # 1-based line of the file. The context mark is where the broken construct began.
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    where = f" on line {mark.line + 1}" if mark is not None else ""
    problem = getattr(error, "problem", None) or str(error)
    return f"{where}: {problem}"


def text_field(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise ArticleParseError(f"'{name}' must be text, not a list")
    return " ".join(str(value).split())


def date_field(fields: dict[str, Any], name: str) -> datetime.date | None:
    value = fields.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ArticleParseError(
            f"bad date in '{name}': {value!r} (use YYYY-MM-DD, e.g. 2026-01-31)"
        ) from None


def list_field(fields: dict[str, Any], name: str) -> list[str]:
    value = fields.get(name)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = value.split(",")
    elif isinstance(value, list):
        items = value
    else:
        raise ArticleParseError(f"'{name}' must be a list of names")
    names = []
    for item in items:
        if isinstance(item, list | dict):
            raise ArticleParseError(f"'{name}' must be a list of names")
        name_text = " ".join(str(item).split())
        if name_text and not slugify(name_text):
            raise ArticleParseError(f"'{name}' has an entry with no letters or digits: {item!r}")
        if name_text and name_text not in names:
            names.append(name_text)
    return names
