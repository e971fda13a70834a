""" "Who looked at my record" at /my/record-views/: the staff who viewed the patient's
plans, newest first, paginated (``patientportal.services.record_views``). Recorded, like
every page of the patient's."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient

from ..decorators import patient_required
from ..services.record_views import describe, plan_titles, record_views

VIEWS_PER_PAGE = 25


@patient_required
def my_record_views(request: HttpRequest, patient: Patient) -> HttpResponse:
    page = Paginator(record_views(patient), VIEWS_PER_PAGE).get_page(request.GET.get("page"))
    titles = plan_titles(patient)
    views = [describe(view, titles) for view in page]
    record_event(
        request.user,
        AuditAction.VIEWED,
        patient,
        request=request,
        patient=patient,
        detail={"page": "record views", "page_number": page.number},
    )
    return render(request, "patientportal/record_views.html", {"page": page, "views": views})
