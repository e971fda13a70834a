"""The second factor's pages are whole, accessible HTML pages: one h1, every element closed,
unique ids, a label for every field, no script; they work without JavaScript."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from careteam.models import Discipline
from tests.careteam_domain_fixtures import make_provider
from tests.mfa_fixtures import enrol, recently_authenticated, verified_client

pytestmark = pytest.mark.django_db
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "path",
}  # fmt: skip  (SVG paths close themselves: <path ... />)


class Structure(HTMLParser):
    """Open and close tags in order; ids; labels' targets; form fields."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.label_targets: set[str] = set()
        self.fields: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label" and attributes.get("for"):
            self.label_targets.add(attributes["for"])
        if tag in ("input", "select", "textarea"):
            self.fields.append((tag, attributes))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def assert_accessible_page(html: str) -> None:
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert len(re.findall(r"<h1[\s>]", html)) == 1
    parser = Structure()
    parser.feed(html)
    parser.close()
    assert not parser.problems and not parser.stack, (parser.problems, parser.stack)
    assert len(parser.ids) == len(set(parser.ids)), parser.ids
    for tag, attributes in parser.fields:
        if attributes.get("type") in ("hidden", "submit") or "hidden" in attributes:
            continue
        assert attributes.get("id") in parser.label_targets, (tag, attributes)
    assert "<script" not in html.split("<main", 1)[1]


@pytest.fixture
def provider():
    return make_provider("t.mfa-pages", Discipline.PAIN_MANAGEMENT)


def test_setup_verify_and_confirm_pages_are_accessible(provider):
    client = Client()
    client.force_login(provider)
    assert_accessible_page(client.get(reverse("mfa:setup")).content.decode())
    assert_accessible_page(client.post(reverse("mfa:setup"), {"code": ""}).content.decode())
    assert_accessible_page(client.get(reverse("mfa:confirm")).content.decode())
    device, _ = enrol(provider)
    unverified = Client()
    unverified.force_login(provider)
    assert_accessible_page(unverified.get(reverse("mfa:verify")).content.decode())
    refused = unverified.post(reverse("mfa:verify"), {"code": "000000"}).content.decode()
    assert_accessible_page(refused)
    verified = verified_client(provider, device)
    assert_accessible_page(verified.get(reverse("mfa:confirm")).content.decode())
    assert_accessible_page(verified.get(reverse("mfa:security")).content.decode())


def test_the_recovery_codes_page_is_accessible(provider):
    device, _ = enrol(provider)
    client = recently_authenticated(verified_client(provider, device))
    response = client.post(reverse("mfa:new-recovery-codes"))
    assert "no-store" in response["Cache-Control"]  # never kept by a browser or proxy
    html = response.content.decode()
    assert "the only time they are shown" in html
    assert_accessible_page(html)
