"""The database out of reach: a 503 page with ``Retry-After`` instead of a 500.

While the database is stopped, restarting or unreachable, every request that needs it fails
with Django's ``OperationalError`` or ``InterfaceError``: in a view, or in a middleware that
reads the session or the user. No middleware can catch those: Django wraps the view and each
middleware in ``convert_exception_to_response``, so an exception becomes a response at the
layer that raised it, through ``handler500``. That handler (``core.views.server_error``) asks
``is_database_outage`` about the exception being handled and answers ``database_unavailable``:
status 503, ``Retry-After: settings.DATABASE_OUTAGE_RETRY_AFTER`` seconds, never stored by a
cache, and ``503.html``, rendered without the request so nothing can query. Django logs it
("Service Unavailable: /path", with the traceback) on the ``django.request`` logger.

Recovery needs nothing here: a connection that failed is closed when its request ends
(``close_old_connections``) or at the next request's health check (``CONN_HEALTH_CHECKS``), and
the next request connects again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

# PEP 249's errors for a database that cannot be used at the moment (connection refused or
# lost, server shutting down, too many clients), as against a fault in the query itself.
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_database_outage(error: BaseException | None) -> bool:
    """Whether the error is the database out of reach, or was raised from or while handling
    such an error (code that catches a database error and raises its own)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def database_unavailable() -> HttpResponse:
    """The 503 page, with when to try again; rendered without the request, so no query."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(settings.DATABASE_OUTAGE_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
