"""The benchmark's pages and seeding run at a tiny scale inside the test database, so the
bench cannot rot. Figures are the bench's job (bench/run.py): nothing here is timed."""

import pytest

from bench import pages, run, scale
from careteam.models import CarePlan, Patient

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


@pytest.fixture
def bench_site(db):
    scale.seed_demo()
    timings = scale.seed_scale(scale.SCALES["tiny"])
    return timings


def test_tiny_scale_adds_its_data(bench_site):
    tiny = scale.SCALES["tiny"]
    assert set(bench_site) == {"articles", "patients and plans", "large plan", "patient history"}
    bench_patients = Patient.objects.filter(record_number__startswith=scale.BENCH_RECORD_PREFIX)
    assert bench_patients.count() == tiny.patients
    assert CarePlan.objects.filter(patient__in=bench_patients).count() == tiny.patients
    counts = scale.row_counts()
    assert counts["dr.lee's teams"] >= tiny.lead_teams
    assert counts["large plan team notes"] >= tiny.plan_notes
    assert counts["Alex's check-ins"] >= tiny.check_ins


def test_every_bench_page_answers_and_reports_queries(bench_site):
    specs = pages.page_specs()
    assert {spec.name for spec in specs} == EXPECTED_PAGES
    for spec in specs:
        measured = pages.measure_page(spec, requests=1, warmup=0)
        assert measured.status == 200, spec.url
        assert measured.queries > 0, spec.url
        assert measured.bytes > 0, spec.url
        assert measured.requests == 1


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
