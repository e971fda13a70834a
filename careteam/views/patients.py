"""Registering a patient (a right of the physicians who start care plans) and correcting
their details (the lead of one of their plans)."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from careteam.forms import PatientEditForm, PatientForm
from careteam.policy import PatientAction
from careteam.services import create_patient, require_patient_action, update_patient

from .authorization import PlanAccess, plan_view, provider_view
from .editing import handle_form, plan_url, without_version
from .forms_util import add_service_errors, posted
from .plans import NEW_PATIENT_SESSION_KEY


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
            request.session[NEW_PATIENT_SESSION_KEY] = patient.record_number
            return redirect("careteam:plan-create")
    status = 400 if request.method == "POST" else 200
    return render(request, "careteam/patient_form.html", {"form": form}, status=status)


@plan_view("GET", "POST")
def patient_edit(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    patient = access.plan.patient
    require_patient_action(
        request.user, PatientAction.CHANGE_PATIENT_DETAILS, patient, plan=access.plan
    )
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
