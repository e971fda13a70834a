"""The pages the benchmark measures, who views them, and how each is measured."""

from __future__ import annotations

import cProfile
import pstats
import statistics
import time
import tracemalloc
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from careteam.models import CarePlan
from portal.models import ArticlePage, Topic, TreatmentPage

from .clinic import SEARCHED_FAMILY_NAME
from .scale import alex_plan
from .signin import sign_in
from .through_stack import CACHED, SIGNED_IN, TRIVIAL, UNCACHED, StackPage, with_query
from .through_stack import PUBLIC as PUBLIC_KIND

FLAGSHIP_SLUG = "hypermobile-lower-back-pain"

PUBLIC = "public"
PROVIDER = "provider"
PATIENT = "patient"


@dataclass(frozen=True)
class PageSpec:
    """One measured page: a name for the table, the URL, who is signed in (None:
    anonymous), and the form to post for a page answered to a POST (a search by name)."""

    name: str
    url: str
    group: str
    username: str | None = None
    form: dict[str, str] | None = None

    def fetch(self, client: Client):
        return client.post(self.url, self.form) if self.form is not None else client.get(self.url)


@dataclass
class Measurement:
    name: str
    url: str
    group: str
    status: int
    requests: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    queries: int
    queries_min: int
    bytes: int
    peak_kib: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def page_specs() -> list[PageSpec]:
    """Every measured page, with URLs looked up in the current database."""
    flagship = ArticlePage.objects.live().get(slug=FLAGSHIP_SLUG)
    treatment = TreatmentPage.objects.live().order_by("path").first()
    topic = Topic.objects.filter(articles__live=True).distinct().order_by("slug").first()
    plan = alex_plan()
    plan_url = f"/care/plans/{plan.pk}/"
    return [
        PageSpec("home", "/", PUBLIC),
        PageSpec("article index", "/articles/", PUBLIC),
        PageSpec("articles by topic", f"/articles/?topic={topic.slug}", PUBLIC),
        PageSpec("flagship article", flagship.url, PUBLIC),
        PageSpec("treatment page", treatment.url, PUBLIC),
        PageSpec("search", "/search/?q=stability", PUBLIC),
        PageSpec("sitemap.xml", "/sitemap.xml", PUBLIC),
        PageSpec("article feed", "/articles/feed/", PUBLIC),
        PageSpec("care dashboard", "/care/", PROVIDER, "dr.lee"),
        PageSpec(
            "care dashboard search", "/care/", PROVIDER, "dr.lee", {"q": SEARCHED_FAMILY_NAME}
        ),
        PageSpec("large plan (lead)", plan_url, PROVIDER, "dr.lee"),
        PageSpec("large plan (mental health)", plan_url, PROVIDER, "mh.rivera"),
        PageSpec("my plan", "/my/plan/", PATIENT, "alex"),
        PageSpec("my reading", "/my/reading/", PATIENT, "alex"),
        PageSpec("my check-in (GET)", "/my/check-in/", PATIENT, "alex"),
    ]


# The pages measured through the stack (bench/through_stack.py), by their in-process names;
# public ones bypass the page cache (``UNCACHED``) except the cached article.
STACK_PUBLIC = ("home", "article index", "articles by topic", "search")
STACK_SIGNED_IN = ("care dashboard", "large plan (lead)", "large plan (mental health)", "my plan")
ARTICLE = "flagship article"
ARTICLE_CACHED = "flagship article (cached)"
# The ceiling every page is compared with through the stack: no database, no template.
TRIVIAL_VIEW = PageSpec("trivial view (robots.txt)", "/robots.txt", PUBLIC)


def stack_pages(specs: list[PageSpec], *, signed_in_only: bool = False) -> list[StackPage]:
    """The trivial view, the public pages uncached, the article uncached and cached, and
    the signed-in pages; only the last with ``signed_in_only`` (the demo-scale run)."""
    by_name = {spec.name: spec for spec in specs}
    signed_in = [
        StackPage(name, by_name[name].url, SIGNED_IN, by_name[name].username, name)
        for name in STACK_SIGNED_IN
    ]
    if signed_in_only:
        return signed_in
    article = by_name[ARTICLE].url
    return [
        StackPage(TRIVIAL_VIEW.name, TRIVIAL_VIEW.url, TRIVIAL, None, TRIVIAL_VIEW.name),
        *(
            StackPage(name, with_query(by_name[name].url, UNCACHED), PUBLIC_KIND, None, name)
            for name in STACK_PUBLIC
        ),
        StackPage(
            f"{ARTICLE} (uncached)", with_query(article, UNCACHED), PUBLIC_KIND, None, ARTICLE
        ),
        StackPage(ARTICLE_CACHED, article, CACHED, None, ARTICLE_CACHED),
        *signed_in,
    ]


def client_for(username: str | None) -> Client:
    """A test client, signed in as ``username`` (None: anonymous) the way the stack's users
    are (bench/signin.py): staff with an authenticator app have passed the second factor."""
    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        client.cookies[settings.SESSION_COOKIE_NAME] = sign_in(user)
    return client


def query_count(spec: PageSpec) -> int:
    """Queries of one request of the page, after one request to warm it."""
    client = client_for(spec.username)
    spec.fetch(client)
    with CaptureQueriesContext(connection) as captured:
        spec.fetch(client)
    return len(captured)


def calls_per_request(spec: PageSpec, requests: int = 3) -> int:
    """Python function calls of one request of the page (cProfile's count, after two
    requests to warm it): unlike CPU time, the same on a busy machine as on a quiet one,
    so the figure that tells whether a page's work grows with the data."""
    client = client_for(spec.username)
    spec.fetch(client)
    spec.fetch(client)
    profile = cProfile.Profile()
    profile.enable()
    try:
        for _ in range(requests):
            spec.fetch(client)
    finally:
        profile.disable()
    return round(pstats.Stats(profile).total_calls / requests)


def cached_queries(spec: PageSpec) -> int:
    """Queries of an anonymous page answered from the page cache (turned on here; the test
    settings keep it off): the first request fills it, the third is counted."""
    with override_settings(PAGECACHE_ENABLED=True):
        client = client_for(None)
        spec.fetch(client)
        spec.fetch(client)
        with CaptureQueriesContext(connection) as captured:
            spec.fetch(client)
    return len(captured)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def measure_page(spec: PageSpec, requests: int, warmup: int = 2) -> Measurement:
    """GET the page ``warmup`` times, then ``requests`` times timing each and counting its
    SQL queries; one more request under tracemalloc gives the peak Python memory."""
    client = client_for(spec.username)
    for _ in range(warmup):
        spec.fetch(client)
    timings, queries = [], []
    response = None
    for _ in range(max(1, requests)):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = spec.fetch(client)
            elapsed = time.perf_counter() - started
        timings.append(elapsed * 1000)
        queries.append(len(captured))
    tracemalloc.start()
    try:
        spec.fetch(client)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return Measurement(
        name=spec.name,
        url=spec.url,
        group=spec.group,
        status=response.status_code,
        requests=len(timings),
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(_percentile(timings, 0.95), 1),
        max_ms=round(max(timings), 1),
        queries=max(queries),
        queries_min=min(queries),
        bytes=len(response.content),
        peak_kib=round(peak / 1024, 1),
    )


def measure_plan_update(requests: int) -> Measurement:
    """The lead saves the large plan's edit form (POST with the version it was shown), as the
    UI does; each save bumps the version, so the next request posts the new one."""
    plan = alex_plan()
    url = f"/care/plans/{plan.pk}/edit/"
    client = client_for("dr.lee")
    timings, queries = [], []
    status = 0
    requests = max(1, requests)
    peak = 0
    for number in range(requests + 1):
        plan = CarePlan.objects.get(pk=plan.pk)
        data = {
            "version": plan.version,
            "title": plan.title,
            "status": plan.status,
            "period_start": plan.period_start.isoformat() if plan.period_start else "",
            "period_end": plan.period_end.isoformat() if plan.period_end else "",
            "conditions": plan.conditions,
            "patient_summary": f"{plan.patient_summary.split(' [rev')[0]} [rev {number}]",
            "red_flag_guidance": plan.red_flag_guidance,
        }
        if number == requests:
            tracemalloc.start()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(url, data)
            elapsed = time.perf_counter() - started
        if number == requests:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        status = response.status_code
        if number == 0:
            continue  # warm-up
        timings.append(elapsed * 1000)
        queries.append(len(captured))
    return Measurement(
        name="plan update (POST)",
        url=url,
        group=PROVIDER,
        status=status,
        requests=len(timings),
        p50_ms=round(statistics.median(timings), 1),
        p95_ms=round(_percentile(timings, 0.95), 1),
        max_ms=round(max(timings), 1),
        queries=max(queries),
        queries_min=min(queries),
        bytes=len(response.content),
        peak_kib=round(peak / 1024, 1),
    )
