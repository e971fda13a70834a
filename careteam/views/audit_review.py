"""The privacy officers' review of the whole audit trail: /privacy/audit/ (a page of
events) and /privacy/audit/export.csv (the same filter, every matching event, streamed).

Members of the "Privacy officers" group only (``audit.privacy``); anyone else, logged in or
not, gets 404, recorded as 'denied'. Every look is recorded too, with its filter. The filter
is a GET form; input that does not validate answers 400 with the form's messages.
"""

from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from careteam.audit_review_forms import AuditReviewForm
from careteam.services.audit_review import (
    EXPORT,
    NotAPrivacyOfficer,
    csv_rows,
    record_review,
    require_privacy_officer,
    review,
)

EVENTS_PER_PAGE = 50


class _Echo:
    """A file-like object whose write() hands the line back (for streaming CSV)."""

    def write(self, value: str) -> str:
        return value


def _officer_form(request: HttpRequest) -> AuditReviewForm:
    """The filter form, for a privacy officer; 404 (recorded) for anyone else."""
    try:
        require_privacy_officer(request.user, request)
    except NotAPrivacyOfficer:
        raise Http404("No such page.") from None
    return AuditReviewForm(request.GET)


def _refused(request: HttpRequest, form: AuditReviewForm) -> HttpResponse:
    record_review(request.user, form.raw_input(), None, request=request)
    return render(request, "careteam/audit_review.html", {"form": form}, status=400)


@require_GET
def audit_review(request: HttpRequest) -> HttpResponse:
    form = _officer_form(request)
    if not form.is_valid():
        return _refused(request, form)
    criteria = form.criteria()
    found = review(request.user, criteria, request)
    page = Paginator(found.events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)  # read before this look is itself recorded
    record_review(request.user, criteria, found, request=request, page=page.number)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "results": True,
        "page": page,
        "query": query.urlencode(),
        "filtered": bool(criteria.as_detail()),
    }
    return render(request, "careteam/audit_review.html", context)


@require_GET
def audit_export(request: HttpRequest) -> HttpResponse:
    form = _officer_form(request)
    if not form.is_valid():
        return _refused(request, form)
    criteria = form.criteria()
    found = review(request.user, criteria, request)
    # Recorded before the first row leaves.
    record_review(request.user, criteria, found, request=request, what=EXPORT)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in csv_rows(found.events)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
