"""The probes' answers, as JSON, never cached. Both are exempt from the HTTPS redirect in
production (``SECURE_REDIRECT_EXEMPT``) and need no session: a probe sends no cookie, so the
session, login and second-factor middleware leave it alone and ``/healthz`` makes no query.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .readiness import check_readiness

# How soon a probe that got 503 may usefully ask again, in seconds.
RETRY_AFTER_SECONDS = 5


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answers; nothing else is looked at."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the task queues answer and no urgent task has
    waited too long, else 503; both with the figures (``ops.readiness``)."""
    readiness = check_readiness()
    response = JsonResponse(readiness.as_dict(), status=200 if readiness.ready else 503)
    if not readiness.ready:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
