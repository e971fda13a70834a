"""/care/templates/: start a care plan from a published template."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from careteam.policy import PatientAction, refusal
from careteam.services import patient_for_new_plan
from careteam.views.authorization import provider_view
from careteam.views.forms_util import add_service_errors, posted
from questionnaires.instruments import INSTRUMENTS

from .forms import StartFromTemplateForm
from .models import PlanTemplate
from .services import StartedPlan, start_plan_from_template
from .services.preview import template_previews


def started_message(started: StartedPlan) -> str:
    parts = [f"The care plan is started from “{started.use.template_title}” and you lead its team."]
    if started.reading_assigned:
        parts.append(f"Reading assigned: {', '.join(started.reading_assigned)}.")
    if started.reading_left:
        left = "; ".join(f"“{item.title}”: {item.reason}" for item in started.reading_left)
        parts.append(f"Not assigned yet: {left}")
    for item in started.questionnaires.left:
        instrument = INSTRUMENTS.get(str(item["instrument"]))
        name = instrument.title if instrument else item["instrument"]
        parts.append(f"“{name}” not scheduled: {item['reason']}")
    return " ".join(parts)


@provider_view("GET", "POST", creators_only=True)
def start_from_template(request: HttpRequest) -> HttpResponse:
    """The published templates, each with what it holds, and the form that starts a plan
    from one for a patient the physician may start a plan for."""
    form = StartFromTemplateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        patient = patient_for_new_plan(request.user, data["record_number"])
        if patient is None:
            form.add_error("record_number", refusal(PatientAction.START_PLAN))
        else:
            try:
                started = start_plan_from_template(
                    request.user,
                    data["template"],
                    patient,
                    title=data["title"],
                    status=data["status"],
                    period_start=data["period_start"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, started_message(started))
                return redirect("careteam:plan-detail", plan_id=started.plan.pk)
    previews = template_previews(PlanTemplate.objects.usable())
    chosen = str(form["template"].value() or "")
    context = {"form": form, "previews": previews, "chosen": chosen}
    status = 400 if request.method == "POST" else 200
    return render(request, "plantemplates/start.html", context, status=status)
