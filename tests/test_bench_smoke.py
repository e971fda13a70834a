"""The benchmark's pages and seeding run at a tiny scale inside the test database, so the
bench cannot rot. Figures are the bench's job (bench/run.py): nothing here is timed."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, ReferenceIndex
from wagtail.search.backends import get_search_backend

from bench import clinic, pages, run, scale
from bench.signin import ensure_second_factor, sign_in
from bench.through_stack import CACHED, SIGNED_IN, TRIVIAL, UNCACHED
from careteam.models import (
    CarePlan,
    CarePlanUserObjectPermission,
    CareTeamMembership,
    Patient,
    TeamNote,
    TeamRole,
)
from careteam.policy import ROLE_GRANTS
from patientportal.models import CheckIn
from portal.models import ArticlePage

EXPECTED_PAGES = {
    "home",
    "article index",
    "articles by topic",
    "flagship article",
    "treatment page",
    "search",
    "sitemap.xml",
    "article feed",
    "care dashboard",
    "care dashboard search",
    "large plan (lead)",
    "large plan (mental health)",
    "my plan",
    "my reading",
    "my check-in (GET)",
}
SEEDING_PARTS = {
    "articles imported",
    "articles copied",
    "providers",
    "patients and plans",
    "team notes",
    "check-ins",
    "reading assignments",
    "large plan",
    "patient history",
    "planner statistics",
}


@pytest.fixture
def bench_site(db):
    scale.seed_demo()
    return scale.seed_scale(scale.SCALES["tiny"])


def _bench_plans():
    return CarePlan.objects.filter(patient__record_number__startswith=clinic.BENCH_RECORD_PREFIX)


def test_tiny_scale_adds_its_data_with_the_rows_the_services_write(bench_site):
    tiny = scale.SCALES["tiny"]
    assert set(bench_site) == SEEDING_PARTS
    bench_patients = Patient.objects.filter(record_number__startswith=clinic.BENCH_RECORD_PREFIX)
    assert bench_patients.count() == tiny.population.patients
    assert _bench_plans().count() == tiny.population.patients
    counts = scale.row_counts()
    assert counts["dr.lee's teams"] >= tiny.population.lead_teams
    assert counts["large plan team notes"] >= tiny.plan_notes
    assert counts["Alex's check-ins"] >= tiny.check_ins
    assert_copied_articles_are_real_pages(tiny)
    assert_bulk_plans_are_real_teams(tiny)


def test_twice_the_data_adds_as_much_again_of_what_the_signed_in_pages_show(bench_site):
    tiny = scale.SCALES["tiny"]
    # The history seeded so far reaches this far back; what is added lies beyond it.
    reach = datetime.timedelta(hours=30 * tiny.check_ins, minutes=1)
    alex = CheckIn.objects.filter(patient__record_number=scale.ALEX_RECORD)
    older = alex.filter(recorded_at__lt=timezone.now() - reach).count()
    before = scale.row_counts()
    parts = scale.seed_twice(tiny)
    after = scale.row_counts()
    assert set(parts) >= {"dr.lee's plans again", "large plan's notes again"}
    assert after["dr.lee's teams"] == before["dr.lee's teams"] + tiny.population.lead_teams
    assert after["large plan team notes"] == before["large plan team notes"] + tiny.plan_notes
    assert after["Alex's check-ins"] == before["Alex's check-ins"] + tiny.check_ins
    # The new check-ins lengthen the history, as a longer use would, not crowd its days.
    assert alex.filter(recorded_at__lt=timezone.now() - reach).count() == older + tiny.check_ins


def assert_copied_articles_are_real_pages(tiny: scale.Scale) -> None:
    """Live pages with a revision, log entries, links and a search entry, as publishing
    leaves them."""
    copies = ArticlePage.objects.filter(slug__contains="-copy-")
    assert copies.count() == tiny.articles - tiny.imported_articles
    copy = copies.order_by("pk").last()
    source = ArticlePage.objects.get(slug=copy.slug.split("-copy-")[0])

    assert copy.live and not copy.has_unpublished_changes
    assert copy.live_revision_id == copy.latest_revision_id is not None
    assert copy.live_revision.as_object().title == copy.title
    assert copy.url_path == f"{copy.get_parent().url_path}{copy.slug}/"
    assert set(copy.topics.all()) == set(source.topics.all())
    assert copy.faq_items.count() == source.faq_items.count()
    actions = set(PageLogEntry.objects.filter(page=copy).values_list("action", flat=True))
    assert actions == {"wagtail.create", "wagtail.edit", "wagtail.publish"}
    assert ReferenceIndex.objects.filter(object_id=str(copy.pk)).exists()
    assert Page.find_problems() == ([], [], [], [], [])
    assert Client().get(copy.url).status_code == 200
    found = get_search_backend().search(copy.title, ArticlePage.objects.live())
    assert copy in list(found)


def assert_bulk_plans_are_real_teams(tiny: scale.Scale) -> None:
    """Teams with their roles' grants, notes setting the last activity, shared check-ins."""
    low, high = tiny.population.team_size
    for plan in _bench_plans():
        team = CareTeamMembership.objects.active().filter(plan=plan)
        roles = list(team.values_list("role", flat=True))
        assert roles.count(TeamRole.LEAD) == 1
        assert low <= len(roles) <= high
        for membership in team:
            granted = CarePlanUserObjectPermission.objects.filter(
                content_object=plan, user=membership.user
            ).values_list("permission__codename", flat=True)
            assert set(granted) == set(ROLE_GRANTS[membership.role])
        # Last activity is the newest note's time (the services stamp it a moment before).
        newest = TeamNote.objects.filter(plan=plan).order_by("-created_at").first()
        assert abs(plan.last_activity_at - newest.created_at) < datetime.timedelta(seconds=1)
    shared = CheckIn.objects.filter(patient__record_number__startswith=clinic.BENCH_RECORD_PREFIX)
    assert all(check_in.plans.exists() for check_in in shared)


def test_every_bench_page_answers_and_reports_queries_cached_or_not(bench_site):
    specs = pages.page_specs()
    assert {spec.name for spec in specs} == EXPECTED_PAGES
    for spec in specs:
        measured = pages.measure_page(spec, requests=1, warmup=0)
        assert measured.status == 200, spec.url
        assert measured.queries > 0, spec.url
        assert measured.bytes > 0, spec.url
        assert measured.requests == 1
    article = next(spec for spec in specs if spec.name == pages.ARTICLE)
    assert pages.cached_queries(article) == 0
    # The ceiling: no database at all.
    assert pages.query_count(pages.TRIVIAL_VIEW) == 0
    # Through the stack, public pages bypass the page cache, but for the cached article.
    stack_pages = pages.stack_pages(specs)
    kinds = {page.name: page.kind for page in stack_pages}

    assert kinds["trivial view (robots.txt)"] == TRIVIAL
    assert kinds[pages.ARTICLE_CACHED] == CACHED
    for page in stack_pages:
        assert (UNCACHED in page.path) == (page.kind not in {TRIVIAL, CACHED, SIGNED_IN})
    signed_in = pages.stack_pages(pages.page_specs(), signed_in_only=True)
    assert {page.kind for page in signed_in} == {SIGNED_IN}


@override_settings(MFA_REQUIRED_FOR_STAFF=True)
def test_a_bench_session_has_passed_the_second_factor_as_production_asks(db):
    scale.seed_demo()
    lee = get_user_model().objects.get(username="dr.lee")
    ensure_second_factor(lee)
    client = Client()
    client.cookies["sessionid"] = sign_in(lee)

    assert client.get("/care/").status_code == 200
    # A login that has not passed the second factor is sent to enter its code.
    unverified = Client()
    unverified.force_login(get_user_model().objects.get(pk=lee.pk))
    assert unverified.get("/care/").status_code == 302


def test_plan_update_saves_with_the_version_check(bench_site):
    before = scale.alex_plan().version
    measured = pages.measure_plan_update(requests=2)
    assert measured.status == 302
    assert measured.queries > 0
    # One warm-up save and two timed ones, each from the version it was shown.
    assert scale.alex_plan().version == before + 3


def test_verdict_marks_slow_pages_query_budgets_and_growth():
    assert run.verdict(100.0, 10, 10, target=150.0, budget=20) == "OK"
    assert run.verdict(200.0, 10, 10, target=150.0, budget=20) == "OVER (slow)"
    assert run.verdict(100.0, 25, None, target=150.0, budget=20) == "OVER (queries)"
    assert run.verdict(100.0, 12, 10, target=150.0, budget=20) == "OVER (grows)"


def test_bench_refuses_to_drop_a_shared_database():
    with pytest.raises(SystemExit):
        run.recreate_database("postgres://postgres@127.0.0.1:5432/clinic_portal")


def test_python_calls_per_request_hold_still_from_one_measure_to_the_next(bench_site):
    dashboard = next(spec for spec in pages.page_specs() if spec.name == "care dashboard")
    first, second = pages.calls_per_request(dashboard), pages.calls_per_request(dashboard)
    assert first > 1000
    assert abs(first - second) <= first * 0.01
