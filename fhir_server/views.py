"""/my/record/fhir/: the patient's whole record as a FHIR Bundle file to download (the
readable page of the same record is patientportal's /my/record/)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from api.services.readers import reader_for
from careteam.models import Patient
from patientportal.decorators import patient_required
from patientportal.services.whole_record import record_download

from .rendering import FHIR_JSON
from .services.patient_download import patient_bundle


@patient_required
def my_record_bundle(request: HttpRequest, patient: Patient) -> HttpResponse:
    base_url = request.build_absolute_uri(reverse("fhir:metadata").removesuffix("metadata"))
    bundle = patient_bundle(
        reader_for(request.user), base_url, request.build_absolute_uri("/")[:-1]
    )
    record_download(request.user, patient, "fhir")
    response = HttpResponse(json.dumps(bundle, indent=2), content_type=FHIR_JSON)
    response["Content-Disposition"] = 'attachment; filename="my-care-record.fhir.json"'
    response["Cache-Control"] = "no-store"
    return response
