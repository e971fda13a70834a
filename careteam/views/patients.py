"""Registering a patient (a right of the physicians who start care plans) and correcting
their details (the lead of one of their plans)."""

from copy import copy
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from careteam.forms import PatientEditForm, PatientForm
from careteam.permissions import CHANGE
from careteam.services.people import create_patient, update_patient

from .access import PlanAccess, plan_view, provider_view
from .editing import handle_form, plan_url, without_version
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


@plan_view("GET", "POST")
def patient_edit(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(CHANGE, "Only the team lead can change the patient's details.")
    patient = access.plan.patient
    # The form validates on a copy, so the service diffs against the stored values.
    form = PatientEditForm(posted(request), instance=copy(patient))

    def save(data):
        fields, version = without_version(data)
        update_patient(patient, request.user, version, plan=access.plan, **fields)

    return handle_form(
        request,
        access,
        form,
        save,
        context={"heading": "Edit the patient's details", "submit_label": "Save details"},
        success_message="The patient's details are saved.",
        success_url=plan_url(access),
    )
