"""Access checks for the patient's own pages (/my/...)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils import timezone

from audit.models import AuditAction
from audit.services import record_event

from .services.patients import patient_for_user


def patient_required(view):
    """Only a logged-in patient gets in; the view receives their Patient record. Anyone
    else who is logged in gets 404 (and a 'denied' audit record). The page is in the
    patient's time (``Patient.time_zone``): the times it shows, and the dates and times
    it reads from forms, are theirs, as its due dates already were."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        patient = patient_for_user(request.user)
        if patient is None:
            record_event(
                request.user,
                AuditAction.DENIED,
                None,
                request=request,
                detail={"reason": "not a patient", "area": "patient portal"},
            )
            raise Http404("No patient record for this login.")
        with timezone.override(patient.zone):
            return view(request, patient, *args, **kwargs)

    return wrapper
