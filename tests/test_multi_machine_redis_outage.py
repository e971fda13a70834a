"""With Redis out of reach the site carries on from the database: pages render, signed-in
people stay signed in (their sessions read from the database rows, ``cached_db``), a red-flag
check-in is saved and shows the urgent advice, and an editor can publish. When Redis answers
again, the same processes use it again, without a restart, and what they could not write to
it meanwhile (an ended session, the purge of a publish) does not come back from it
(config/redis_cache.py).

The outage is real: the cache's ``REDIS_URL`` is a loopback port where a forwarder
(tests/tcp_proxy.py) passes connections to the Redis on 127.0.0.1:6379, database 11
(``TEST_REDIS_URL`` to change it), every key under a prefix of the test's own. Cutting the
forwarder closes the port and every connection through it, as when Redis stops or is cut
off; starting it again is Redis coming back, still holding its keys. Skipped, saying so, when
Redis does not answer.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.settings import cache_sessions
from pagecache import signals
from patientportal.models import CheckIn, RedFlag, RedFlagAlert
from tests.api_fixtures import token_client
from tests.multi_machine_settings import built_settings
from tests.portal_editor_forms import untouched_edit_form
from tests.portal_fixtures import make_article
from tests.tcp_proxy import TcpProxy
from tests.test_multi_machine_sessions import REDIS_TEST_URL, SharedRedis, reachable_redis

pytestmark = pytest.mark.django_db

# Short, so that a test waits little for Redis to be tried again.
TIMEOUT = 0.5
RETRY_AFTER = 0.2
CACHE_STATUS = "X-Page-Cache"
EMERGENCY_ADVICE = "Call 999"
WARNINGS_FROM = "config.redis_cache"


@dataclass
class RedisLink:
    """The cache's way to Redis, which the test cuts and restores."""

    proxy: TcpProxy
    redis: SharedRedis

    def cut(self) -> None:
        self.proxy.stop()

    def restore(self) -> None:
        self.proxy.start()
        time.sleep(RETRY_AFTER)  # the cache tries Redis again once its pause has run out


def redis_url_through(port: int) -> str:
    target = urlsplit(REDIS_TEST_URL)
    return urlunsplit(target._replace(netloc=f"127.0.0.1:{port}"))


def use_redis_at(settings, url: str, prefix: str, *, retry_after: float = RETRY_AFTER) -> None:
    """This process's cache, sessions and page cache as production's with ``REDIS_URL``."""
    settings.CACHES = cache_sessions.caches(url, prefix, TIMEOUT, retry_after)
    settings.SESSION_ENGINE = cache_sessions.session_engine(url)
    settings.PAGECACHE_ENABLED = True
    signals.connect()


@pytest.fixture
def redis_link(settings) -> Iterator[RedisLink]:
    shared = SharedRedis(reachable_redis())
    target = urlsplit(REDIS_TEST_URL)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 6379))
    proxy.start()
    use_redis_at(settings, redis_url_through(proxy.port), shared.prefix)
    yield RedisLink(proxy, shared)
    proxy.stop()
    shared.clear()


@pytest.fixture
def outage_warnings(caplog) -> pytest.LogCaptureFixture:
    """The cache's warnings, as they are logged."""
    caplog.set_level(logging.WARNING, logger=WARNINGS_FROM)
    return caplog


def warned(logged: pytest.LogCaptureFixture, words: str) -> int:
    """How many of the cache's warnings so far say ``words``."""
    return sum(1 for r in logged.records if r.name == WARNINGS_FROM and words in r.getMessage())


def session_of(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def signed_in(client: Client) -> bool:
    """The sessions page answers (302 to the login page otherwise)."""
    return client.get(reverse("sessions")).status_code == 200


def session_queries(client: Client, path: str) -> tuple[int, int]:
    """The answer's status and how many queries read the session table."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path).status_code
    return status, len([q for q in queries if "django_session" in q["sql"]])


# --- The settings ----------------------------------------------------------------------------


def test_redis_url_names_the_cache_that_carries_on_with_its_timeouts_from_the_environment(
    monkeypatch,
):
    built = built_settings(
        monkeypatch,
        REDIS_URL=REDIS_TEST_URL,
        REDIS_TIMEOUT_SECONDS="0.25",
        REDIS_RETRY_AFTER_SECONDS="12",
    )
    # Besides the shared cache, only each process's own drawn fragments (never Redis).
    assert set(built.CACHES) == {"default", "fragments"}
    assert built.CACHES["fragments"]["BACKEND"] == cache_sessions.LOCAL_MEMORY_CACHE
    default = built.CACHES["default"]
    assert default["BACKEND"] == "config.redis_cache.ResilientRedisCache"
    assert default["OPTIONS"] == {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 0.25,
        "RETRY_AFTER_SECONDS": 12.0,
    }


# --- While Redis is out of reach -------------------------------------------------------------


def test_out_of_reach_the_cache_acts_as_an_empty_cache_that_keeps_nothing(
    redis_link, outage_warnings
):
    cache.set("kept", "before")
    assert cache.get("kept") == "before"
    redis_link.cut()
    assert cache.get("kept", "missed") == "missed"
    assert cache.get_many(["kept"]) == {}
    assert cache.has_key("kept") is False
    assert cache.add("new", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
    with pytest.raises(ValueError):  # Django's answer for a key that is not there
        cache.incr("counted")
    cache.set("kept", "during")
    cache.delete("kept")
    # One warning for the failure; the calls after it, within the pause, leave Redis alone.
    assert warned(outage_warnings, "out of reach") == 1


def test_anonymous_pages_render_from_the_database_and_are_not_cached(
    site_tree, redis_link, outage_warnings
):
    article = make_article(site_tree.articles, "Pacing a flare")
    redis_link.cut()
    for url in ("/", article.url, article.url):
        response = Client().get(url)
        assert response.status_code == 200, url
        assert CACHE_STATUS not in response  # neither served from the cache nor stored
    assert "Pacing a flare" in Client().get(article.url).content.decode()
    assert warned(outage_warnings, "out of reach") >= 1


def test_a_provider_signed_in_before_the_outage_keeps_working_from_the_session_row(
    portal_world, redis_link
):
    provider = Client()
    provider.force_login(portal_world.team.lead)
    assert redis_link.redis.holds_session(session_of(provider))
    plan_page = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    assert session_queries(provider, plan_page) == (200, 0)  # read from Redis
    redis_link.cut()
    status, read_from_the_database = session_queries(provider, plan_page)
    assert status == 200
    assert read_from_the_database >= 1


def test_a_patients_red_flag_check_in_is_saved_and_shows_the_urgent_advice(
    portal_world, redis_link, django_capture_on_commit_callbacks
):
    redis_link.cut()
    patient = Client()
    patient.force_login(portal_world.patient_user)  # a login during the outage, too
    with django_capture_on_commit_callbacks(execute=True):
        response = patient.post(
            reverse("patientportal:check-in"),
            {"pain_score": "8", "red_flags": [RedFlag.BLADDER_OR_BOWEL]},
        )
    check_in = CheckIn.objects.get()
    assert response["Location"] == reverse("patientportal:check-in-urgent", args=[check_in.pk])
    urgent = patient.get(response["Location"])
    assert urgent.status_code == 200
    assert EMERGENCY_ADVICE in urgent.content.decode()
    assert RedFlagAlert.objects.get().flags == [RedFlag.BLADDER_OR_BOWEL]
    assert [email.to for email in mail.outbox] == [[portal_world.team.lead.email]]


def test_an_editor_publishes_in_wagtail_and_readers_get_the_change_before_and_after_redis_returns(
    site_tree, redis_link, django_user_model
):
    article = make_article(site_tree.articles, "Pacing a flare")
    reader = Client()
    assert [reader.get(article.url)[CACHE_STATUS] for _ in range(2)] == ["miss", "hit"]

    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("ed", "ed@example.com", "x"))
    form = untouched_edit_form(editor, article)
    redis_link.cut()
    form["title"] = ["Pacing a flare, step by step"]
    published = editor.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        {**form, "action-publish": ["action-publish"]},
    )
    assert published.status_code == 302
    article.refresh_from_db()
    assert article.title == "Pacing a flare, step by step" and article.live
    assert "Pacing a flare, step by step" in reader.get(article.url).content.decode()

    # Redis still holds the old copy, and the purge never reached it: it must not come back.
    redis_link.restore()
    first, second = reader.get(article.url), reader.get(article.url)
    assert (first[CACHE_STATUS], second[CACHE_STATUS]) == ("miss", "hit")
    assert "Pacing a flare, step by step" in second.content.decode()


def test_a_session_ended_during_the_outage_stays_ended_when_redis_returns(
    portal_world, redis_link, outage_warnings
):
    browser, copied = Client(), Client()
    browser.force_login(portal_world.team.lead)
    key = session_of(browser)
    copied.cookies[django_settings.SESSION_COOKIE_NAME] = key  # the same cookie, kept elsewhere
    assert signed_in(copied)
    redis_link.cut()
    assert browser.post(reverse("logout")).status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert redis_link.redis.holds_session(key)  # the delete did not reach Redis
    redis_link.restore()
    assert not signed_in(copied)
    assert not redis_link.redis.holds_session(key)
    assert warned(outage_warnings, "answers again") == 1


def test_password_reset_limits_and_the_api_throttle_let_requests_through(
    care_team, redis_link, settings, outage_warnings, django_capture_on_commit_callbacks
):
    """They cannot count: both fail open, and the cache warns (why, in config/redis_cache.py)."""
    settings.ACCOUNTS_RESET_EMAIL_LIMIT = 1
    settings.API_TOKEN_RATE = "2/m"
    api = token_client(care_team.lead)
    redis_link.cut()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            answer = Client().post(reverse("password_reset"), {"email": care_team.lead.email})
        assert answer["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 3
    assert [api.get("/api/v1/plans/").status_code for _ in range(4)] == [200] * 4
    assert warned(outage_warnings, "out of reach") >= 1

    redis_link.restore()  # counting again
    statuses = [api.get("/api/v1/plans/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- A Redis that does not answer at all ------------------------------------------------------


def test_a_redis_that_never_answers_costs_one_timeout_per_pause_not_one_per_call(
    site_tree, settings, outage_warnings
):
    article = make_article(site_tree.articles, "Pacing a flare")
    # Takes connections into its queue and never reads them: every reply times out.
    silent = socket.create_server(("127.0.0.1", 0), backlog=64)
    try:
        use_redis_at(
            settings,
            f"redis://127.0.0.1:{silent.getsockname()[1]}/0",
            "never-answers",
            retry_after=60,
        )
        started = time.monotonic()
        statuses = [Client().get(url).status_code for url in ("/", article.url) * 3]
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert statuses == [200] * 6
    assert warned(outage_warnings, "out of reach") == 1
    # Six pages make dozens of cache calls: waiting on each would take many seconds.
    assert elapsed < TIMEOUT + 2.5


# --- Redis back ------------------------------------------------------------------------------


def test_when_redis_answers_again_the_same_process_uses_it_again(
    site_tree, portal_world, redis_link, outage_warnings
):
    article = make_article(site_tree.articles, "Pacing a flare")
    redis_link.cut()
    assert CACHE_STATUS not in Client().get(article.url)
    provider = Client()
    provider.force_login(portal_world.team.lead)
    key = session_of(provider)
    assert not redis_link.redis.holds_session(key)

    redis_link.restore()
    reader = Client()
    assert [reader.get(article.url)[CACHE_STATUS] for _ in range(2)] == ["miss", "hit"]
    plan_page = reverse("careteam:plan-detail", args=[portal_world.plan.pk])
    assert provider.get(plan_page).status_code == 200  # the row read once, then copied
    assert redis_link.redis.holds_session(key)
    assert session_queries(provider, plan_page) == (200, 0)
    assert warned(outage_warnings, "answers again") == 1
