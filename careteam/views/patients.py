"""Registering a patient: a right of the physicians who start care plans."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from careteam.forms import PatientForm
from careteam.services.people import create_patient

from .access import provider_view
from .forms_util import add_service_errors, posted


@provider_view("GET", "POST", creators_only=True)
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            patient = create_patient(request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{patient.full_name} is registered. Now start their plan.")
            query = urlencode({"record_number": patient.record_number})
            return redirect(f"{reverse('careteam:plan-create')}?{query}")
    status = 400 if request.method == "POST" else 200
    return render(request, "careteam/patient_form.html", {"form": form}, status=status)
