"""The patient's home at /my/: their to-do list (``services.todo``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_view
from careteam.models import Patient

from ..decorators import patient_required
from ..services.todo import todo_for


@patient_required
def home(request: HttpRequest, patient: Patient) -> HttpResponse:
    """What is due for the patient today, in their time zone; recorded as viewed."""
    todo = todo_for(patient, timezone.now())
    record_view(
        request.user,
        patient,
        "to-do list",
        request=request,
        patient=patient,
        items=[item.kind.value for item in todo.items],
    )
    return render(request, "patientportal/todo.html", {"patient": patient, "todo": todo})
