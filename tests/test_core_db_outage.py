"""While the database is out of reach, every page that needs it answers 503 with Retry-After
and the site's own page saying so, with the emergency advice: never a bare 500. As soon as
the database is back, the same pages answer as before (core.outage).

The outage is real, not a mock: for the block, the default connection is a new one to a
closed port (PostgreSQL: 127.0.0.1:1) or to a file that cannot be opened (SQLite), so each
query fails in the driver as it does when the server is down. The test's own connection,
with its transaction and data, is put back afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import (
    DEFAULT_DB_ALIAS,
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connection,
    connections,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.http import HttpResponse
from django.test import Client

from core.outage import is_database_outage
from tests.page_checks import assert_accessible_page
from tests.portal_fixtures import make_article

OUTAGE_HEADING = "This page is unavailable for a moment"
EMERGENCY_ADVICE = "Call 999 or go to your nearest emergency department now."


@contextmanager
def default_connection_to(**changed: str) -> Iterator[BaseDatabaseWrapper]:
    """For the block, the default alias is a connection of its own, with these settings
    changed; then the test's connection is put back."""
    own = connections[DEFAULT_DB_ALIAS]
    other = load_backend(own.settings_dict["ENGINE"]).DatabaseWrapper(
        {**own.settings_dict, **changed}, DEFAULT_DB_ALIAS
    )
    connections[DEFAULT_DB_ALIAS] = other
    try:
        yield other
    finally:
        connections[DEFAULT_DB_ALIAS] = own
        other.close()


@pytest.fixture
def outage(tmp_path) -> Callable[[], AbstractContextManager[BaseDatabaseWrapper]]:
    """``with outage():`` the database is out of reach."""
    unreachable = {
        "postgresql": {"HOST": "127.0.0.1", "PORT": "1"},
        "sqlite": {"NAME": str(tmp_path / "no-such-folder" / "db.sqlite3")},
    }[connection.vendor]
    return lambda: default_connection_to(**unreachable)


@dataclass
class Visit:
    client: Client
    method: str
    path: str
    data: dict
    usual_status: int

    def __call__(self) -> HttpResponse:
        return getattr(self.client, self.method)(self.path, self.data)


@pytest.fixture
def visits(site_tree, care_team) -> dict[str, Visit]:
    article = make_article(site_tree.articles, "Sitting comfortably with back pain")
    visitor = Client(raise_request_exception=False)
    lead = Client(raise_request_exception=False)
    lead.force_login(care_team.lead)
    wrong_password = {"username": care_team.lead.username, "password": "not-the-password"}
    return {
        "a public article": Visit(visitor, "get", article.url, {}, 200),
        "a mistyped address": Visit(visitor, "get", "/artcles/", {}, 404),
        "logging in": Visit(visitor, "post", "/accounts/login/", wrong_password, 200),
        "the care team's dashboard": Visit(lead, "get", "/care/", {}, 200),
        "a public article for a logged-in provider": Visit(lead, "get", article.url, {}, 200),
    }


def assert_outage_page(response: HttpResponse, retry_after: int) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(retry_after)
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy and "'sha256-" not in policy
    html = response.content.decode()
    assert_accessible_page(html)
    assert f"<h1>{OUTAGE_HEADING}</h1>" in html
    assert 'class="site-header"' in html and 'href="/static/core/css/site.css"' in html
    assert EMERGENCY_ADVICE in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "a public article",
        "a mistyped address",
        "logging in",
        "the care team's dashboard",
        "a public article for a logged-in provider",
    ],
)
def test_while_the_database_is_out_of_reach_a_page_answers_503_then_as_usual_once_it_is_back(
    visits, outage, settings, name
):
    settings.DATABASE_OUTAGE_RETRY_AFTER = 7
    visit = visits[name]
    assert visit().status_code == visit.usual_status
    with outage():
        assert_outage_page(visit(), retry_after=7)
        assert_outage_page(visit(), retry_after=7)  # and again: nothing left half-connected
    assert visit().status_code == visit.usual_status


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/robots.txt"])
def test_a_page_that_needs_no_database_still_answers_during_the_outage(outage, path):
    with outage():
        assert Client().get(path).status_code == 200


@pytest.mark.django_db
def test_each_request_refused_for_the_outage_is_logged_with_its_cause(visits, outage, caplog):
    visit = visits["a public article"]
    with outage(), caplog.at_level(logging.ERROR, logger="django.request"):
        visit()
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == f"Service Unavailable: {visit.path}"
    assert record.exc_info and issubclass(record.exc_info[0], OperationalError)


def chained(error: Exception, *, cause: Exception | None = None, context=None) -> Exception:
    """The error as ``raise error from cause`` inside ``except context`` would leave it."""
    error.__cause__, error.__context__ = cause, context
    return error


def chained_in_a_loop() -> Exception:
    first, second = RuntimeError("a bug"), ValueError("another")
    first.__context__, second.__context__ = second, first
    return first


@pytest.mark.parametrize(
    ("error", "outage"),
    [
        pytest.param(OperationalError("connection refused"), True, id="refused"),
        pytest.param(InterfaceError("connection already closed"), True, id="lost"),
        pytest.param(
            chained(RuntimeError("could not save"), cause=OperationalError("gone")),
            True,
            id="raised from it",
        ),
        pytest.param(
            chained(AttributeError("_session_cache"), context=OperationalError("gone")),
            True,
            id="raised while handling it",
        ),
        pytest.param(chained_in_a_loop(), False, id="a chain that loops"),
        pytest.param(IntegrityError("duplicate key"), False, id="integrity"),
        pytest.param(ProgrammingError("no such column"), False, id="programming"),
        pytest.param(DataError("value too long"), False, id="data"),
        pytest.param(RuntimeError("the view fell over"), False, id="a bug"),
        pytest.param(None, False, id="nothing"),
    ],
)
def test_only_a_database_out_of_reach_counts_as_an_outage_not_a_fault_in_a_query(error, outage):
    assert is_database_outage(error) is outage


def serve(path: str) -> str:
    """One request as a WSGI server (gunicorn) makes it, with Django's start and end of
    request (the test client leaves out the connection clean-up those do)."""
    environ = {"PATH_INFO": path, "HTTP_HOST": "testserver"}
    setup_testing_defaults(environ)
    statuses: list[str] = []
    response = WSGIHandler()(
        environ, lambda status, headers, exc_info=None: statuses.append(status)
    )
    response.close()
    return statuses[0]


@pytest.mark.django_db
def test_a_connection_the_database_dropped_is_replaced_by_the_next_request():
    """A connection kept open between requests (CONN_MAX_AGE) is cut when PostgreSQL restarts;
    the next request checks it, opens a new one and answers as usual (here the 404 page of an
    address not in the page tree, which needs the database), not 503."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    with default_connection_to() as kept:
        assert serve("/no-such-page/") == "404 Not Found"
        kept.connection.close()  # what the restart leaves behind
        assert serve("/no-such-page/") == "404 Not Found"
