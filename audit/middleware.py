"""Lets audit events recorded anywhere during a request carry its IP address and path, and
makes sure every refusal under /care/, /my/ and /privacy/ leaves a 'denied' event."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .models import AuditAction
from .services import denied_recorded, record_event, request_context

# Where a 403 or 404 is a refusal of patient data (the provider UI, the patient's pages,
# the privacy officers' review of the trail, the JSON API and FHIR).
REFUSAL_AUDIT_PREFIXES = ("/care/", "/my/", "/privacy/", "/api/", "/fhir/")
REFUSAL_STATUSES = frozenset({403, 404})
# Machine interfaces: an anonymous caller's 404 there (a mistyped path) names no one's data,
# and recording it would let anyone grow the trail without logging in.
SIGNED_IN_ONLY_PREFIXES = ("/api/", "/fhir/")


def is_unrecorded_refusal(request: HttpRequest, response: HttpResponse) -> bool:
    """A 403/404 under a private prefix that no view or service recorded as 'denied'
    (e.g. an id probed through ``get_object_or_404`` or rejected by a URL converter)."""
    user = getattr(request, "user", None)
    if request.path_info.startswith(SIGNED_IN_ONLY_PREFIXES) and not (
        user and user.is_authenticated
    ):
        return False
    return (
        response.status_code in REFUSAL_STATUSES
        and request.path_info.startswith(REFUSAL_AUDIT_PREFIXES)
        and not denied_recorded()
    )


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            response = self.get_response(request)
            if is_unrecorded_refusal(request, response):
                record_event(
                    getattr(request, "user", None),
                    AuditAction.DENIED,
                    None,
                    request=request,
                    detail={"reason": "refused", "status": response.status_code},
                )
            return response
