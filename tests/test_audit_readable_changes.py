"""A change in a plan's history reads as words: field names without underscores, dates and
times in the clinic's time zone, yes/no, and "(empty)" rather than a pair of bare quotes."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from audit.templatetags.audit_tags import readable_value
from careteam.services import update_plan


@pytest.mark.parametrize(
    ("stored", "read"),
    [
        (None, "(empty)"),
        ("", "(empty)"),
        (True, "yes"),
        (False, "no"),
        ("2026-11-30T05:55:35.634Z", "30 Nov 2026, 05:55"),
        ("2026-07-01T12:00:00+00:00", "1 Jul 2026, 13:00"),  # British Summer Time
        ("2026-01-05", "5 Jan 2026"),
        ("2026-02-31", "2026-02-31"),  # shaped like a date, not one: left as it was
        ("Walk 20 minutes", "Walk 20 minutes"),
        (3, "3"),
    ],
)
def test_a_stored_value_reads_as_a_person_would_write_it(stored, read, settings):
    settings.TIME_ZONE = "Europe/London"
    assert readable_value(stored) == read


@pytest.mark.django_db
def test_the_plans_history_page_shows_a_changed_date_in_words(care_team):
    update_plan(care_team.plan, care_team.lead, 1, period_start=datetime.date(2026, 1, 5))
    client = Client()
    client.force_login(care_team.lead)

    html = client.get(reverse("careteam:plan-history", args=[care_team.plan.pk])).content.decode()

    assert "Period start: “(empty)” → “5 Jan 2026”" in html
    assert "period_start" not in html
