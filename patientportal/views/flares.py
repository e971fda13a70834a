"""The patient's flare page (/my/flare/): their flare plan, the button that says a flare
has begun, and the one that says it is over."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import record_view
from careteam.models import Patient

from ..decorators import patient_required
from ..forms import StartFlareForm
from ..services.errors import PortalActionError
from ..services.flares import end_flare, flare_plans, open_flare, start_flare


@patient_required
def my_flare(request: HttpRequest, patient: Patient) -> HttpResponse:
    """The flare plans of the patient's current plans, and whether a flare is going on."""
    return flare_page(request, patient, StartFlareForm())


def flare_page(
    request: HttpRequest, patient: Patient, form: StartFlareForm, *, status: int = 200
) -> HttpResponse:
    plans = flare_plans(patient)
    flare = open_flare(patient)
    record_view(
        request.user,
        patient,
        "flare plan",
        request=request,
        patient=patient,
        plans=[plan.pk for plan in plans],
    )
    context = {"plans": plans, "flare": flare, "form": form}
    return render(request, "patientportal/flare.html", context, status=status)


@require_POST
@patient_required
def flare_start(request: HttpRequest, patient: Patient) -> HttpResponse:
    """ "I'm having a flare": recorded, then the flare plan at once."""
    form = StartFlareForm(request.POST)
    if not form.is_valid():
        # Only a tampered or mangled key gets here: say so, with a fresh one to press again.
        return flare_page(request, patient, form, status=400)
    # The same press sent twice finds the flare it recorded (one flare at a time anyway).
    start_flare(patient, request.user, submission_key=form.cleaned_data["submission_key"])
    messages.success(request, "Your flare is noted and your team can see it. Here is your plan.")
    return redirect("patientportal:flare")


@require_POST
@patient_required
def flare_end(request: HttpRequest, patient: Patient) -> HttpResponse:
    try:
        end_flare(patient, request.user)
    except PortalActionError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, "Glad it has settled. Your flare is marked as over.")
    return redirect("patientportal:flare")
