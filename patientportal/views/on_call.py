"""The clinic's red-flag alert list for whoever is on call, at /care/alerts/ (served by
patientportal, whose alerts it lists, under careteam's provider pages).

Someone who is not a provider gets 404, as for every provider page; a provider the policy
does not put on call (``ClinicAction.VIEW_CLINIC_ALERTS``) gets 403 with its sentence. Both
are recorded as 'denied'.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careteam.policy import ClinicAction, may_view_clinic_alerts
from careteam.views.authorization import ActionNotAllowed, forbidden, provider_view

from ..services.on_call import CLOSED_WINDOW, clinic_alerts


@provider_view("GET")
def alerts(request: HttpRequest) -> HttpResponse:
    if not may_view_clinic_alerts(request.user):
        return forbidden(request, ActionNotAllowed(ClinicAction.VIEW_CLINIC_ALERTS))
    context = {
        "board": clinic_alerts(request.user, request=request),
        "closed_days": CLOSED_WINDOW.days,
        "escalate_after": settings.RED_FLAG_ESCALATE_AFTER_MINUTES,
    }
    return render(request, "patientportal/team/clinic_alerts.html", context)
