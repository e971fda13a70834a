"""Stateless web processes: with ``REDIS_URL`` the cache and the sessions are Redis's, so any
web machine answers any request. Sessions stay rows in the database read through Redis
(``cached_db``): a signed-in request reads no session row, the sessions page still lists and
ends them, and a session Redis lost is read back, not lost.

Against the Redis on 127.0.0.1:6379, database 11 (``TEST_REDIS_URL`` to change it), every
key under a prefix of the test's own, removed afterwards; skipped, saying so, when Redis
does not answer. The last test starts two gunicorn processes on loopback
(tests/multi_machine_web.py) with production's settings, one SQLite database and Redis.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_KEY_PREFIX
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.settings import cache_sessions
from tests.accounts_helpers import SAM_PASSWORD, attempt, make_sam
from tests.multi_machine_settings import built_settings
from tests.multi_machine_web import Browser, migrated_copy, run_manage, web_env, web_processes

REDIS_TEST_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/11")


def reachable_redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis does not answer at {REDIS_TEST_URL} ({error}); set TEST_REDIS_URL")
    return client


class SharedRedis:
    """The test's own corner of Redis: its key prefix, and Django's names for the keys."""

    def __init__(self, client: redis.Redis) -> None:
        self.client = client
        self.prefix = f"test-multi-machine-{uuid.uuid4().hex}"

    def session_key(self, session_key: str) -> str:
        return f"{self.prefix}:1:{SESSION_KEY_PREFIX}{session_key}"

    def holds_session(self, session_key: str) -> bool:
        return bool(self.client.exists(self.session_key(session_key)))

    def clear(self) -> None:
        for key in self.client.scan_iter(f"{self.prefix}:*"):
            self.client.delete(key)


@pytest.fixture
def shared_redis(settings) -> Iterator[SharedRedis]:
    """This process's cache and sessions as production's with REDIS_URL."""
    shared = SharedRedis(reachable_redis())
    settings.CACHES = cache_sessions.caches(REDIS_TEST_URL, shared.prefix)
    settings.SESSION_ENGINE = cache_sessions.session_engine(REDIS_TEST_URL)
    yield shared
    shared.clear()


def session_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def signed_in(client: Client) -> bool:
    """The sessions page answers (302 to the login page otherwise)."""
    return client.get(reverse("sessions")).status_code == 200


# --- Settings --------------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["production", "dev"])
def test_redis_url_puts_the_cache_and_sessions_in_redis_in_production_and_dev(monkeypatch, module):
    built = built_settings(
        monkeypatch, module=module, REDIS_URL=REDIS_TEST_URL, CACHE_KEY_PREFIX="clinic"
    )
    assert built.CACHES == {
        "default": {
            # Django's RedisCache that carries on while Redis is out of reach
            # (tests/test_multi_machine_redis_outage.py).
            "BACKEND": "config.redis_cache.ResilientRedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": "clinic",
            "OPTIONS": {
                "socket_connect_timeout": 1.0,
                "socket_timeout": 1.0,
                "RETRY_AFTER_SECONDS": 5.0,
            },
        },
        # Drawn page fragments stay in each process (a deploy drops them).
        "fragments": cache_sessions.FRAGMENTS,
    }
    assert built.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    if module == "production":
        assert built.PAGECACHE_ENABLED is True  # every worker sees the purge


@pytest.mark.parametrize("module", ["production", "dev"])
def test_without_redis_url_the_cache_is_local_memory_and_sessions_the_database(monkeypatch, module):
    built = built_settings(monkeypatch, module=module)
    assert built.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert built.SESSION_ENGINE == "django.contrib.sessions.backends.db"


def test_tests_keep_local_memory_and_database_sessions_whatever_the_shell_says(monkeypatch):
    built = built_settings(monkeypatch, module="test", REDIS_URL=REDIS_TEST_URL)
    assert built.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert built.SESSION_ENGINE == "django.contrib.sessions.backends.db"


# --- One process against the real Redis ------------------------------------------------------


@pytest.mark.django_db
def test_a_login_is_a_database_row_and_a_redis_copy_read_without_a_session_query(
    client, shared_redis
):
    make_sam()
    assert attempt(client, "sam", SAM_PASSWORD).status_code == 302
    key = session_of(client)
    assert Session.objects.filter(session_key=key).exists()
    assert shared_redis.holds_session(key)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("after-login"))
    assert response.status_code == 302
    assert "/accounts/login/" not in response["Location"]  # signed in
    assert not [query for query in queries if "django_session" in query["sql"]]


@pytest.mark.django_db
def test_ending_a_session_on_the_sessions_page_removes_its_redis_copy_too(shared_redis):
    make_sam()
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        assert attempt(browser, "sam", SAM_PASSWORD).status_code == 302
    phone_key = session_of(phone)
    assert shared_redis.holds_session(phone_key)
    ended = laptop.post(reverse("sessions-end-others"), {"password": SAM_PASSWORD})
    assert ended.status_code == 302
    assert not shared_redis.holds_session(phone_key)
    assert not Session.objects.filter(session_key=phone_key).exists()
    assert not signed_in(phone)
    assert signed_in(laptop)


@pytest.mark.django_db
def test_a_session_redis_lost_is_read_back_from_the_database(client, shared_redis):
    make_sam()
    attempt(client, "sam", SAM_PASSWORD)
    key = session_of(client)
    shared_redis.client.delete(shared_redis.session_key(key))
    assert signed_in(client)
    assert shared_redis.holds_session(key)


# --- Two web processes -----------------------------------------------------------------------

CASEY_PASSWORD = "Harbour-violet-engine-37"
MAKE_CASEY = (
    "from django.contrib.auth import get_user_model; "
    f"get_user_model().objects.create_user('casey', password='{CASEY_PASSWORD}')"
)


def log_in(browser: Browser, base_url: str) -> None:
    answer = browser.post_form(
        f"{base_url}/accounts/login/",
        f"{base_url}/accounts/login/",
        {"username": "casey", "password": CASEY_PASSWORD},
    )
    assert answer.status == 302, answer.text[:2000]
    assert answer.location != "/accounts/login/"


def sessions_page(browser: Browser, base_url: str) -> int:
    """200 when signed in; 302 to the login page otherwise."""
    answer = browser.get(f"{base_url}/accounts/sessions/")
    assert answer.status == 200 or answer.location == "/accounts/login/"
    return answer.status


def test_two_web_processes_share_logins_logouts_ended_sessions_and_the_page_cache(tmp_path):
    shared = SharedRedis(reachable_redis())
    database = migrated_copy(tmp_path)
    env = web_env(database, REDIS_URL=REDIS_TEST_URL, CACHE_KEY_PREFIX=shared.prefix)
    run_manage(["shell", "-c", MAKE_CASEY], env)
    try:
        with web_processes(2, env, tmp_path) as (first, second):
            laptop, phone = Browser(), Browser()
            log_in(laptop, first.url)
            assert shared.holds_session(laptop.cookie(settings.SESSION_COOKIE_NAME))
            assert sessions_page(laptop, second.url) == 200  # the other machine knows it

            log_in(phone, second.url)
            assert sessions_page(phone, first.url) == 200
            ended = laptop.post_form(
                f"{first.url}/accounts/sessions/",
                f"{first.url}/accounts/sessions/end-others/",
                {"password": CASEY_PASSWORD},
            )
            assert ended.status == 302
            assert sessions_page(phone, second.url) == 302  # ended on the first, gone on both
            assert sessions_page(phone, first.url) == 302

            logout = laptop.post_form(
                f"{second.url}/accounts/sessions/", f"{second.url}/accounts/logout/", {}
            )
            assert logout.status == 302
            assert sessions_page(laptop, first.url) == 302

            reader = Browser()
            cached = [reader.get(f"{web.url}/sitemap.xml") for web in (first, second)]
            assert [answer.status for answer in cached] == [200, 200]
            assert [answer.headers.get("X-Page-Cache") for answer in cached] == ["miss", "hit"]
    finally:
        shared.clear()
