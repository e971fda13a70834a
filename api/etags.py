"""Optimistic concurrency over HTTP: every versioned record is read with an ``ETag`` and
changed only with ``If-Match`` naming that version. How to use:

    response["ETag"] = etag(goal)                  # on a read
    version = matched_version(request, goal)       # before a change: the version to pass
    update_goal(goal, user, version, **changes)    # the service checks it again, locked

No ``If-Match``: 428. A version that is not the current one: 412 with the current ETag. The
service's own check (``StaleVersionError``, also 412) catches a change that lands between
this check and the write.
"""

from __future__ import annotations

import re

from django.http import HttpRequest

from careteam.models.tracking import Versioned

from .errors import PreconditionFailed, PreconditionRequired

ETAG = re.compile(r'^(?:W/)?"(?P<pk>\d+)-(?P<version>\d+)"$')


def etag(record: Versioned) -> str:
    return f'"{record.pk}-{record.version}"'


def matched_version(request: HttpRequest, record: Versioned) -> int:
    """The version ``If-Match`` names, if it is the record's current one."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired()
    current = etag(record)
    for candidate in (part.strip() for part in header.split(",")):
        match = ETAG.match(candidate)
        if match and int(match["pk"]) == record.pk and int(match["version"]) == record.version:
            return record.version
    raise PreconditionFailed(current)
