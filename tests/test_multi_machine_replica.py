"""Reads from a PostgreSQL replica (``DATABASE_REPLICA_URL``; config/db_router.py and
config/replica_reads.py): only an anonymous reader's GET of a public page reads it; anyone
signed in, any write, the Wagtail admin, the private paths, transactions, commands and tasks
read the primary, and migrations never run there.

The replica here is a second connection alias that mirrors the test database (Django's
``TEST: {"MIRROR": "default"}``), made only for these tests by the ``replica`` fixture. It
shares the test's own database connection, so it sees what the test wrote inside its
transaction, while ``CaptureQueriesContext`` on each alias tells which one a request asked.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page

from config import replica_reads
from config.db_router import ReplicaRouter
from config.settings.replica import REPLICA, ROUTERS, with_replica_reads
from tests.accounts_helpers import SAM_PASSWORD, attempt, make_sam
from tests.multi_machine_settings import built_settings
from tests.portal_fixtures import make_article

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Reads:
    primary: int
    replica: int


def reads_of(client: Client, method: str, path: str, **data) -> tuple[int, Reads]:
    """The status of one request and how many queries it sent to each database."""
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = getattr(client, method)(path, data)
    return response.status_code, Reads(len(primary), len(replica))


@pytest.fixture
def replica(settings) -> Iterator[None]:
    """A ``replica`` alias mirroring the test database, and production's router and
    middleware, as ``DATABASE_REPLICA_URL`` would install them."""
    primary = connections[DEFAULT_DB_ALIAS]
    connections.settings[REPLICA] = {**primary.settings_dict, "TEST": {"MIRROR": "default"}}
    primary.ensure_connection()
    mirror = connections[REPLICA]
    mirror.connection = primary.connection
    settings.DATABASE_ROUTERS = ROUTERS
    settings.MIDDLEWARE = with_replica_reads(settings.MIDDLEWARE)
    # No waiting after a publish unless a test asks: the fixtures below publish.
    settings.DATABASE_REPLICA_LAG_SECONDS = 0
    try:
        yield
    finally:
        mirror.connection = None  # the test's connection stays open for its rollback
        del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.fixture
def article(site_tree):
    return make_article(site_tree.articles, "Gentle core work")


def test_an_anonymous_readers_article_page_reads_only_the_replica(replica, client, article):
    status, reads = reads_of(client, "get", article.url)
    assert status == 200
    assert reads.replica > 0
    assert reads.primary == 0


def test_the_article_listing_and_search_read_the_replica_too(replica, client, article):
    for path, data in (("/articles/", {}), ("/search/", {"q": "core"})):
        status, reads = reads_of(client, "get", path, **data)
        assert status == 200, path
        assert (reads.primary, reads.replica > 0) == (0, True), path


def test_a_signed_in_providers_plan_page_reads_only_the_primary(replica, client, care_team):
    client.force_login(care_team.lead)
    status, reads = reads_of(
        client, "get", reverse("careteam:plan-detail", args=[care_team.plan.pk])
    )
    assert status == 200
    assert reads.replica == 0
    assert reads.primary > 0


def test_a_signed_in_reader_of_a_public_article_reads_only_the_primary(replica, client, article):
    make_sam()
    attempt(client, "sam", SAM_PASSWORD)
    status, reads = reads_of(client, "get", article.url)
    assert status == 200
    assert (reads.primary > 0, reads.replica) == (True, 0)


def test_a_post_reads_only_the_primary_even_anonymous(replica, client):
    make_sam()
    status, reads = reads_of(
        client, "post", reverse("login"), username="sam", password="not-the-password"
    )
    assert status == 200  # the form again, with its message
    assert (reads.primary > 0, reads.replica) == (True, 0)


def test_the_wagtail_admin_reads_only_the_primary(replica, client, site_tree):
    editor = make_sam(is_staff=True, is_superuser=True)
    client.force_login(editor)
    for path in ("/cms/", f"/cms/pages/{site_tree.articles.pk}/"):
        status, reads = reads_of(client, "get", path)
        assert status == 200, path
        assert (reads.primary > 0, reads.replica) == (True, 0), path


def test_private_paths_read_only_the_primary_even_anonymous(replica, client):
    for path in ("/accounts/login/", "/accounts/password/reset/", "/my/plan/", "/care/"):
        _, reads = reads_of(client, "get", path)
        assert reads.replica == 0, path


def test_just_after_a_publish_pages_read_the_primary_until_the_replica_can_have_caught_up(
    replica, client, article, settings
):
    settings.DATABASE_REPLICA_LAG_SECONDS = 30
    article.save_revision().publish()  # purges the page cache: a new generation, now
    _, reads = reads_of(client, "get", article.url)
    assert (reads.primary > 0, reads.replica) == (True, 0)
    settings.DATABASE_REPLICA_LAG_SECONDS = 0.001
    time.sleep(0.01)
    _, reads = reads_of(client, "get", article.url)
    assert (reads.primary, reads.replica > 0) == (0, True)


# --- The router itself -------------------------------------------------------------------


def test_outside_a_request_commands_and_tasks_read_the_primary(replica):
    assert ReplicaRouter().db_for_read(Page) == DEFAULT_DB_ALIAS


def test_in_an_anonymous_request_a_write_or_a_transaction_sends_reads_to_the_primary(replica):
    router = ReplicaRouter()
    with replica_reads.replica_reads():
        assert router.db_for_read(Page) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Page) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Page) == REPLICA
        primary_page = Page.objects.using(DEFAULT_DB_ALIAS).first()
        assert router.db_for_read(Page, instance=primary_page) == DEFAULT_DB_ALIAS
        assert router.db_for_write(Page) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Page) == DEFAULT_DB_ALIAS  # it wrote: read what it wrote
    assert not replica_reads.allowed()


def test_migrations_never_run_on_the_replica(replica):
    router = ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "portal") is True
    assert router.allow_migrate(REPLICA, "portal") is False
    assert router.allow_migrate(REPLICA, "wagtailcore", model_name="page") is False


# --- Settings ----------------------------------------------------------------------------


def test_database_replica_url_adds_the_replica_its_router_and_middleware(monkeypatch):
    production = built_settings(
        monkeypatch, DATABASE_REPLICA_URL="postgres://reader:secret@replica.internal:5432/clinic"
    )
    replica_settings = production.DATABASES[REPLICA]
    assert (replica_settings["HOST"], replica_settings["USER"]) == ("replica.internal", "reader")
    assert replica_settings["TEST"] == {"MIRROR": "default"}  # no test database made on it
    assert production.DATABASE_ROUTERS == ["config.db_router.ReplicaRouter"]
    middleware = production.MIDDLEWARE
    position = middleware.index("config.replica_reads.ReplicaReadsMiddleware")
    assert middleware[position - 1] == "pagecache.middleware.PageCacheMiddleware"
    assert middleware[position + 1] == "django.contrib.sessions.middleware.SessionMiddleware"
    assert production.DATABASE_REPLICA_LAG_SECONDS == 10
