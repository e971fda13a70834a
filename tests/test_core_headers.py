"""The security headers of every kind of page: a Content-Security-Policy without
'unsafe-inline' on the public pages, the care pages, the patient's pages, the login and the
error pages, whose markup holds no inline style, event handler or script the policy would
block; the Wagtail admin's own looser policy; Permissions-Policy, Cross-Origin-Resource-Policy
and Cross-Origin-Opener-Policy everywhere; and production trusting X-Forwarded-* only when
BEHIND_PROXY says a proxy sets them.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import importlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.template import Template
from django.template.context import RequestContext
from django.template.loader import get_template
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from config import urls as site_urls
from core import views as core_views
from core.views import ERROR_PAGE_STYLE_HASH
from patientportal.models import CheckIn
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.questionnaires import record_questionnaire
from portal.models import HomePageFeaturedArticle
from questionnaires.instruments import ODI, PSFS
from tests.patient_fixtures import PortalWorld
from tests.portal_fixtures import heading, make_article, make_topic, make_treatment, paragraph

pytestmark = pytest.mark.django_db

CSP = "Content-Security-Policy"
# Script types that run; any other type (application/ld+json, application/json) is a data
# block, which browsers never execute and CSP does not govern.
EXECUTABLE_SCRIPT_TYPES = {"", "text/javascript", "application/javascript", "module"}


# --- A test-only URLconf: the site behind two views the site itself lacks -------------------


def inline_script_and_style(request: HttpRequest) -> HttpResponse:
    """What a template with an inline script and style would render (none does yet)."""
    template = Template(
        "<!doctype html><title>Nonce</title>"
        '<style nonce="{{ request.csp_nonce }}">p { color: teal; }</style>'
        '<script nonce="{{ request.csp_nonce }}">document.title = "ok";</script>'
    )
    return HttpResponse(template.render(RequestContext(request)))


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the view fell over")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("odd request")


urlpatterns = [
    path("test-headers/nonce/", inline_script_and_style),
    path("test-headers/500/", broken),
    path("test-headers/400/", suspicious),
    *site_urls.urlpatterns,
]
handler500 = "core.views.server_error"  # the same handler as config/urls.py


@pytest.fixture(autouse=True)
def header_urls(settings):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False


# --- Reading a policy and scanning a page ---------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def policy_of(response: HttpResponse) -> dict[str, list[str]]:
    assert CSP in response, f"no {CSP} header"
    return directives(response[CSP])


def header_nonce(policy: dict[str, list[str]], directive: str) -> str | None:
    nonces = [v[len("'nonce-") : -1] for v in policy[directive] if v.startswith("'nonce-")]
    assert len(nonces) <= 1
    return nonces[0] if nonces else None


@dataclass
class PageScan(HTMLParser):
    """Everything in a page a strict policy would block or must allow by nonce."""

    problems: list[str] = field(default_factory=list)
    script_nonces: list[str | None] = field(default_factory=list)
    style_nonces: list[str | None] = field(default_factory=list)
    data_blocks: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"<{tag} style={value!r}>")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            if (values.get("type") or "").strip().lower() in EXECUTABLE_SCRIPT_TYPES:
                if "src" not in values:
                    self.script_nonces.append(values.get("nonce"))
            else:
                self.data_blocks += 1
        if tag == "style":
            self.style_nonces.append(values.get("nonce"))
        if (
            tag == "link"
            and "stylesheet" in (values.get("rel") or "")
            and not (values.get("href") or "").startswith("/")
        ):
            self.problems.append(f"stylesheet from elsewhere: {values.get('href')!r}")

    handle_startendtag = handle_starttag


def scan(response: HttpResponse) -> PageScan:
    page = PageScan()
    page.feed(response.content.decode())
    page.close()
    return page


def strict_policy_problems(policy: dict[str, list[str]]) -> list[str]:
    expected = {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    problems = [
        f"{name} {policy.get(name)} (expected {value})"
        for name, value in expected.items()
        if policy.get(name) != value
    ]
    for name in ("script-src", "style-src"):
        values = policy.get(name, [])
        if values[:1] != ["'self'"]:
            problems.append(f"{name} {values}")
        allowed_extras = [v for v in values[1:] if not v.startswith(("'nonce-", "'sha256-"))]
        if allowed_extras:
            problems.append(f"{name} also allows {allowed_extras}")
    if "upgrade-insecure-requests" in policy:
        problems.append("upgrade-insecure-requests outside production")
    return problems


def nonce_problems(policy: dict[str, list[str]], page: PageScan) -> list[str]:
    """Every inline script and style carries the nonce of this response's header, and a
    header names a nonce only where an element uses it."""
    problems = []
    for directive, nonces in (("script-src", page.script_nonces), ("style-src", page.style_nonces)):
        expected = header_nonce(policy, directive)
        wrong = [nonce for nonce in nonces if nonce is None or nonce != expected]
        if wrong:
            problems.append(f"{directive} nonce {expected!r}, elements carry {wrong}")
    return problems


# --- The pages -----------------------------------------------------------------------------


@dataclass
class HeaderWorld:
    portal: PortalWorld
    article: object
    treatment: object
    superuser: object


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def world(portal_world: PortalWorld, site_tree, author, reviewer) -> HeaderWorld:
    """Pages that show everything they can: an article with every kind of block, an image
    and an FAQ; a patient with weeks of check-ins, two ODI scores, reading and an alert."""
    treatment = make_treatment(site_tree.treatments, "Pacing therapy")
    image = get_image_model().objects.create(
        title="Neutral spine", file=get_test_image_file(size=(64, 48))
    )
    article = make_article(
        site_tree.articles,
        "Steady backs",
        author=author,
        medical_reviewer=reviewer,
        topics=[make_topic("Back pain")],
        takeaways=[("Move often", "Short walks beat long rests.")],
        faqs=[("Should I stretch?", "<p>Gently, and not to the end of range.</p>")],
        body=[
            heading("Why it hurts"),
            paragraph("Loose ligaments let <b>joints</b> move <a href='/treatments/'>too far</a>."),
            {"type": "callout", "value": {"kind": "red_flag", "title": "Now", "body": "<p>Go</p>"}},
            {"type": "image", "value": {"image": image.pk, "alt_text": "Spine", "caption": "A"}},
            {"type": "quote", "value": {"text": "Slow and steady.", "attribution": "A patient"}},
            {"type": "treatment_link", "value": {"page": treatment.pk, "blurb": "Can help."}},
        ],
    )
    HomePageFeaturedArticle.objects.create(page=site_tree.home, article=article)
    patient, user = portal_world.patient, portal_world.patient_user
    for days, pain in ((21, 7), (14, 6), (7, 4)):
        saved = record_check_in(patient, user, pain_score=pain)
        CheckIn.objects.filter(pk=saved.pk).update(recorded_at=days_ago(days))
    record_check_in(patient, user, pain_score=8, red_flags=["severe_pain_after_fall"])
    for score in (3, 2):
        record_questionnaire(patient, user, ODI, dict.fromkeys(ODI.item_keys, score))
    record_questionnaire(patient, user, PSFS, {"activity_1": {"name": "Stairs", "rating": 5}})
    assign_reading(portal_world.plan, portal_world.lead, article, note="Read this first")
    superuser = get_user_model().objects.create_superuser("t.headers.admin")
    return HeaderWorld(portal_world, article, treatment, superuser)


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def site_pages(world: HeaderWorld) -> dict[str, tuple[object, str, int]]:
    """Every kind of page as (who asks, path, expected status)."""
    plan = world.portal.plan
    lead, patient = world.portal.lead, world.portal.patient_user
    return {
        "home": (None, "/", 200),
        "article index": (None, "/articles/", 200),
        "article": (None, world.article.url, 200),
        "treatment": (None, world.treatment.url, 200),
        "search": (None, "/search/?q=steady", 200),
        "search refused": (None, "/search/?q=" + "x" * 500, 400),
        "login": (None, "/accounts/login/", 200),
        "not found": (None, "/no-such-page/", 404),
        "bad request": (None, "/test-headers/400/", 400),
        "care dashboard": (lead, "/care/", 200),
        "care plan": (lead, reverse("careteam:plan-detail", args=[plan.pk]), 200),
        "care plan edit": (lead, reverse("careteam:plan-edit", args=[plan.pk]), 200),
        "care refusal": (world.portal.team.outsider, f"/care/plans/{plan.pk}/", 404),
        "care forbidden": (
            world.portal.team.contributor,
            reverse("careteam:plan-edit", args=[plan.pk]),
            403,
        ),
        "assign reading": (
            lead,
            reverse("patientportal_team:assign-reading", args=[plan.pk]) + "?q=steady",
            200,
        ),
        "my plan": (patient, "/my/plan/", 200),
        "my reading": (patient, "/my/reading/", 200),
        "my check-in": (patient, "/my/check-in/", 200),
        "my odi": (patient, "/my/questionnaires/odi/", 200),
        "my psfs": (patient, "/my/questionnaires/psfs/", 200),
        "article read by the patient": (patient, world.article.url, 200),
    }


@pytest.fixture
def responses(world) -> dict[str, HttpResponse]:
    fetched = {}
    for name, (user, url, status) in site_pages(world).items():
        response = client_for(user).get(url)
        assert response.status_code == status, f"{name}: GET {url} {response.status_code}"
        fetched[name] = response
    fetched["server error"] = client_for(None).get("/test-headers/500/")
    assert fetched["server error"].status_code == 500
    return fetched


def test_every_kind_of_page_sends_a_strict_policy_without_unsafe_inline(responses):
    problems = [
        f"{name}: {problem}"
        for name, response in responses.items()
        for problem in strict_policy_problems(policy_of(response))
    ]
    assert not problems, "\n".join(problems)


def test_no_page_has_an_inline_style_attribute_event_handler_or_javascript_url(responses):
    problems = [f"{name}: {p}" for name, r in responses.items() for p in scan(r).problems]
    assert not problems, "\n".join(problems)


def test_every_inline_script_and_style_on_a_page_carries_the_nonce_of_its_header(responses):
    problems = []
    for name, response in responses.items():
        if name == "server error":
            continue  # rendered without the request: allowed by hash, below
        page = scan(response)
        problems += [f"{name}: {p}" for p in nonce_problems(policy_of(response), page)]
    assert not problems, "\n".join(problems)
    assert scan(responses["article"]).data_blocks == 2  # JSON-LD: data, never run


def test_a_template_with_an_inline_script_and_style_gets_this_responses_nonce():
    first, second = (Client().get("/test-headers/nonce/") for _ in range(2))
    for response in (first, second):
        policy, page = policy_of(response), scan(response)
        nonce = header_nonce(policy, "script-src")
        assert nonce and header_nonce(policy, "style-src") == nonce
        assert page.script_nonces == page.style_nonces == [nonce]
        assert not nonce_problems(policy, page)
    assert header_nonce(policy_of(first), "script-src") != header_nonce(
        policy_of(second), "script-src"
    )


def test_pages_without_inline_code_name_no_nonce(responses):
    policy = policy_of(responses["article"])
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]


def error_page_style(html: str) -> str:
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    return style


def test_the_500_page_style_is_allowed_by_its_hash_alone(responses):
    html = get_template("500.html").render({})
    digest = hashlib.sha256(error_page_style(html).encode()).digest()
    assert f"'sha256-{base64.b64encode(digest).decode()}'" == ERROR_PAGE_STYLE_HASH, (
        "500.html's style changed: put the new hash in core.views.ERROR_PAGE_STYLE_HASH"
    )
    response = responses["server error"]
    assert error_page_style(response.content.decode()) == error_page_style(html)
    policy = policy_of(response)
    assert policy["style-src"] == ["'self'", ERROR_PAGE_STYLE_HASH]
    assert policy["script-src"] == ["'self'"]
    assert ERROR_PAGE_STYLE_HASH not in policy_of(responses["not found"])["style-src"]


def test_the_site_wires_its_500_handler_to_the_one_allowing_the_hash():
    assert site_urls.handler500 is core_views.server_error


# --- Editors: the Wagtail user bar on public pages, the admin's own policy ------------------


def test_the_wagtail_user_bar_adds_no_inline_script_or_style_to_an_editors_page(world):
    """Wagtail 8's user bar is a web component: its scripts are files from this site and its
    styles a stylesheet link inside its template, so editors get the same strict policy."""
    response = client_for(world.superuser).get(world.article.url)
    html = response.content.decode()
    assert "<wagtail-userbar>" in html
    page = scan(response)
    assert not page.problems and not page.script_nonces and not page.style_nonces
    assert not strict_policy_problems(policy_of(response))
    sources = re.findall(r'<script[^>]* src="([^"]+)"', html)
    assert sources and all(src.startswith("//testserver/static/") for src in sources)


@pytest.mark.parametrize("path", ["/cms/", "/cms/pages/", "/cms/login/", "/cms/no-such-page/"])
def test_the_wagtail_admin_gets_its_own_looser_policy(world, path):
    response = client_for(world.superuser if path != "/cms/login/" else None).get(path)
    policy = policy_of(response)
    assert policy["script-src"] == policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["default-src"] == policy["connect-src"] == ["'self'"]
    assert "Permissions-Policy" in response and "Cross-Origin-Resource-Policy" in response
    assert "gravatar.com" not in response.content.decode()  # no third-party images


def test_a_wagtail_preview_keeps_the_pages_strict_policy_and_may_be_framed_by_the_admin(world):
    """The admin renders a page for preview (its live preview pane, a revision) by running a
    dummy request for the page through every middleware: the page's policy and nonce, with
    frame-ancestors 'self' so the pane may show it."""
    revision = world.article.latest_revision
    url = reverse("wagtailadmin_pages:revisions_view", args=[world.article.pk, revision.pk])
    response = client_for(world.superuser).get(url)
    assert response.status_code == 200
    assert "Steady backs" in response.content.decode()
    policy = policy_of(response)
    assert strict_policy_problems({**policy, "frame-ancestors": ["'none'"]}) == []
    assert policy["frame-ancestors"] == ["'self'"]
    assert not scan(response).problems


def test_documents_keep_the_policy_wagtail_serves_them_with(world):
    document = get_document_model().objects.create(
        title="Pacing sheet", file=SimpleUploadedFile("pacing.txt", b"Pace yourself.")
    )
    try:
        response = Client().get(document.url)
        assert response.status_code == 200
        assert response[CSP] == "default-src 'none'"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    finally:
        document.file.delete(save=False)


# --- Permissions-Policy, CORP and COOP on every response ------------------------------------


def test_every_page_carries_permissions_corp_and_coop_headers_and_static_files_corp(responses):
    """Static files (answered by WhiteNoise before the page middleware) need only CORP."""
    others = {
        "static file": Client().get("/static/core/css/site.css"),
        "NUL refusal": Client().get("/care/?q=a%00b"),
        "robots.txt": Client().get("/robots.txt"),
    }
    problems = []
    for name, response in {**responses, **others}.items():
        if response.get("Cross-Origin-Resource-Policy") != "same-origin":
            problems.append(f"{name}: Cross-Origin-Resource-Policy missing")
        if name == "static file":
            continue
        policy = response.get("Permissions-Policy", "")
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            if f"{feature}=()" not in policy:
                problems.append(f"{name}: Permissions-Policy without {feature}=()")
        if response.get("Cross-Origin-Opener-Policy") != "same-origin":
            problems.append(f"{name}: Cross-Origin-Opener-Policy missing")
    assert not problems, "\n".join(problems)
    assert others["static file"].status_code == 200
    assert "interest-cohort=()" in others["robots.txt"]["Permissions-Policy"]
    assert CSP in others["NUL refusal"]


# --- Production: the proxy's headers only when there is a proxy -----------------------------


def production_settings(monkeypatch, **env: str):
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "clinic.example")
    for name in ("BEHIND_PROXY",):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return importlib.reload(importlib.import_module("config.settings.production"))


def forwarded_request(settings, production) -> HttpRequest:
    settings.ALLOWED_HOSTS = production.ALLOWED_HOSTS
    settings.SECURE_PROXY_SSL_HEADER = getattr(production, "SECURE_PROXY_SSL_HEADER", None)
    settings.USE_X_FORWARDED_HOST = production.USE_X_FORWARDED_HOST
    return RequestFactory().get(
        "/",
        HTTP_HOST="clinic.example",
        HTTP_X_FORWARDED_PROTO="https",
        HTTP_X_FORWARDED_HOST="clinic.example:8443",
    )


def test_production_ignores_x_forwarded_headers_without_behind_proxy(monkeypatch, settings):
    production = production_settings(monkeypatch)
    assert production.BEHIND_PROXY is False
    assert not hasattr(production, "SECURE_PROXY_SSL_HEADER")
    assert production.USE_X_FORWARDED_HOST is False
    request = forwarded_request(settings, production)
    assert not request.is_secure()
    assert request.get_host() == "clinic.example"


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_production_trusts_the_proxys_headers_with_behind_proxy(monkeypatch, settings, value):
    production = production_settings(monkeypatch, BEHIND_PROXY=value)
    assert production.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert production.USE_X_FORWARDED_HOST is True
    request = forwarded_request(settings, production)
    assert request.is_secure()
    assert request.get_host() == "clinic.example:8443"


def test_production_upgrades_insecure_requests_and_nothing_else_does(monkeypatch, settings):
    production = production_settings(monkeypatch)
    for policy in (production.CONTENT_SECURITY_POLICY, production.CONTENT_SECURITY_POLICY_ADMIN):
        assert policy["DIRECTIVES"]["upgrade-insecure-requests"] is True
    assert "upgrade-insecure-requests" not in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = production.CONTENT_SECURITY_POLICY
    assert "upgrade-insecure-requests" in policy_of(Client().get("/robots.txt"))
