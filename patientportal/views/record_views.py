""" "Who looked at my record" at /my/record-views/: the staff who viewed the patient's
plans, newest first, paginated (``patientportal.services.record_views``). Recorded, like
every page of the patient's."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.services import record_view
from careteam.models import Patient

from ..decorators import patient_required
from ..services.record_views import describe, plan_titles, record_views

VIEWS_PER_PAGE = 25


@patient_required
def my_record_views(request: HttpRequest, patient: Patient) -> HttpResponse:
    page = Paginator(record_views(patient), VIEWS_PER_PAGE).get_page(request.GET.get("page"))
    titles = plan_titles(patient)
    views = [describe(view, titles) for view in page]
    record_view(
        request.user,
        patient,
        "record views",
        request=request,
        patient=patient,
        page_number=page.number,
    )
    return render(request, "patientportal/record_views.html", {"page": page, "views": views})
