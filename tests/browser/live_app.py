"""The real app served over HTTP from a thread, on the test's own database connection.

pytest-django's ``live_server`` needs ``transactional_db``, whose flush at the end TRUNCATEs
every table: on PostgreSQL the application's role may not truncate the audit trail
(tests/audit_role_fixtures.py), and the flush would also empty what the migrations put in
(Wagtail's page tree) for the tests that run after. So this server answers on the connection
that holds the test's transaction, as Django's ``LiveServerTestCase`` does for an in-memory
SQLite database, on SQLite and PostgreSQL alike: the browser sees what the test built, the
test sees what the browser did, and all of it is rolled back at the end of the test.

One connection, so one request at a time: each request holds a lock until its response is
read out. A test that reads the database while the browser may still be loading
something takes the lock too (``with live_app.database(): ...``). Work that a request hands
to ``transaction.on_commit`` (every email: jobs.handoff) runs when the request ends, where
the commit of a real request would run it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.core.signals import request_finished, request_started
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import TestCase
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class Gate:
    """The app behind a lock: one request at a time, its response read out before the lock
    is let go, the on-commit work of the request run at its end. Once closed, it answers
    503 without the database (a browser's last beacon, say, after the test is over)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.app: WsgiApp | None = None
        self.open = True

    def wrap(self, app: WsgiApp) -> Gate:
        self.app = app
        return self

    def close(self) -> None:
        with self.lock:
            self.open = False

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list:
        with self.lock:
            if not self.open or self.app is None:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"The test is over."]
            with TestCase.captureOnCommitCallbacks(execute=True):
                response = self.app(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()  # sends request_finished
        return [body]


class RequestHandler(QuietWSGIRequestHandler):
    # A kept-alive connection left idle this long is closed (the browser opens another), so
    # stopping the server never waits on one for longer.
    timeout = 5

    def handle(self) -> None:
        with suppress(TimeoutError):
            super().handle()


class SharedConnectionServer(ThreadedWSGIServer):
    """Django's threaded server, except that it never closes the shared connection and,
    when it stops, waits for the requests it is still answering."""

    daemon_threads = False
    block_on_close = True

    def _close_connections(self) -> None:
        for connection in connections.all(initialized_only=True):
            if connection.alias not in self.connections_override:
                connection.close()


class ServerThread(LiveServerThread):
    """Only the request threads use the shared connection: the server's own thread closes
    its connections when it stops, and must not close that one."""

    def __init__(self, gate: Gate, shared: dict[str, BaseDatabaseWrapper]) -> None:
        super().__init__("127.0.0.1", gate.wrap)
        self.shared = shared

    def _create_server(self, connections_override=None) -> SharedConnectionServer:
        return SharedConnectionServer(
            (self.host, self.port),
            RequestHandler,
            allow_reuse_address=False,
            connections_override=self.shared,
        )


class LiveApp:
    def __init__(self, thread: ServerThread, gate: Gate) -> None:
        self._thread = thread
        self._gate = gate

    @property
    def url(self) -> str:
        return f"http://{self._thread.host}:{self._thread.port}"

    @contextmanager
    def database(self) -> Iterator[None]:
        """The test's own queries, while no request is being answered."""
        with self._gate.lock:
            yield


@contextmanager
def serve_on_test_connection() -> Iterator[LiveApp]:
    """Serve the app on 127.0.0.1 (a free port) for the block; needs the test's database."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    gate = Gate()
    thread = ServerThread(gate, {DEFAULT_DB_ALIAS: connection})
    # Closing "old" connections at each request's start and end would end the test's
    # transaction, as it would under Django's test client, which unhooks them the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    connection.inc_thread_sharing()
    try:
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        yield LiveApp(thread, gate)
    finally:
        gate.close()
        thread.terminate()
        connection.dec_thread_sharing()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
