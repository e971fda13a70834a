"""`manage.py seed_demo` asks every installed app for its demo seeder, in INSTALLED_APPS order."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.test import override_settings

from core.management.commands.seed_demo import demo_seeders

CALLS: list[tuple[str, bool]] = []


def seed_first(stdout, *, reset=False):
    CALLS.append(("portal", reset))
    stdout.write("first seeded\n")
    return [("first.user", "First demo user")]


def seed_second(stdout, *, reset=False):
    CALLS.append(("careteam", reset))
    return None  # a seeder that makes no logins may return nothing


def seed_third(stdout, *, reset=False):
    CALLS.append(("audit", reset))
    return []


def seed_fourth(stdout, *, reset=False):
    CALLS.append(("patientportal", reset))
    return [("fourth", "Fourth demo user")]


@pytest.fixture
def recorded_seeders(monkeypatch):
    """Each app's seeder replaced by one that records the call; audit gets one too."""
    CALLS.clear()
    for label, name in [
        ("portal", "seed_first"),
        ("careteam", "seed_second"),
        ("audit", "seed_third"),
        ("patientportal", "seed_fourth"),
    ]:
        config = apps.get_app_config(label)
        monkeypatch.setattr(config, "demo_seeder", f"{__name__}.{name}", raising=False)
    yield CALLS
    CALLS.clear()


def test_content_then_care_teams_then_patients_are_seeded():
    seeders = [(label, f"{fn.__module__}.{fn.__name__}") for label, fn in demo_seeders()]
    assert seeders == [
        ("portal", "portal.demo.seed_content"),
        ("careteam", "careteam.demo.seed_care_teams"),
        ("patientportal", "patientportal.demo.seed_patients"),
        ("messaging", "messaging.demo.seed_messages"),
        ("exercises", "exercises.demo.seed_exercises"),
        ("plantemplates", "plantemplates.demo.seed_plan_templates"),
    ]


@pytest.mark.django_db
def test_seed_demo_asks_each_app_in_installed_apps_order_and_prints_every_login(
    recorded_seeders,
):
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert recorded_seeders == [
        ("portal", False),
        ("careteam", False),
        ("audit", False),
        ("patientportal", False),
    ]
    output = out.getvalue()
    assert "first seeded" in output
    assert "first.user  First demo user" in output
    assert "fourth      Fourth demo user" in output


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_reset_asks_every_seeder_to_rebuild_in_the_same_order(recorded_seeders):
    out = io.StringIO()
    call_command("seed_demo", "--reset", stdout=out)
    assert recorded_seeders == [
        ("portal", True),
        ("careteam", True),
        ("audit", True),
        ("patientportal", True),
    ]
    assert "rebuilt" in out.getvalue()


@pytest.mark.django_db
@override_settings(DEBUG=False)
@pytest.mark.parametrize("options", [[], ["--reset"]])
def test_seed_demo_refuses_to_run_without_debug_unless_forced(recorded_seeders, options):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", *options, stdout=io.StringIO())
    assert recorded_seeders == []
