"""/my/record/: the patient's whole record on one printable page, to keep or take to
another clinic (its FHIR form is /my/record/fhir/, served by fhir_server)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from careteam.models import Patient

from ..decorators import patient_required
from ..services.whole_record import record_download, whole_record


@patient_required
def my_record(request: HttpRequest, patient: Patient) -> HttpResponse:
    record = whole_record(patient)
    record_download(request.user, patient, "page")
    return render(
        request, "patientportal/whole_record.html", {"record": record, "patient": patient}
    )
