"""The patient's answer to a procedure follow-up (/my/follow-ups/<id>/): how bad their
pain is and how much relief the procedure gave, asked at set times after it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from careteam.models import Patient

from ..decorators import patient_required
from ..forms.follow_ups import FollowUpAnswerForm
from ..models import ProcedureFollowUp
from ..services.errors import PortalAccessDenied, PortalActionError
from ..services.patients import is_current_plan
from ..services.procedure_followups import (
    FollowUpAlreadyAnswered,
    answer_follow_up,
    follow_up_for_patient,
    missed_text,
    procedure_label,
    record_follow_up_view,
    refuse_follow_up,
)


@patient_required
def follow_up(request: HttpRequest, patient: Patient, follow_up_id: int) -> HttpResponse:
    """The question and, while it is open and due on a current plan, the form; an answer is
    stored once (sent again: the first answer stands, 409 unless it is the same answer); on
    a plan that has ended, refused with a 400 that says so."""
    row = follow_up_for_patient(patient, follow_up_id)
    if row is None:
        refuse_follow_up(request.user, follow_up_id, request, patient=patient)
        raise Http404("No such follow-up.")
    if request.method != "POST":
        record_follow_up_view(row, request.user, request)
        return _page(request, row, FollowUpAnswerForm())
    form = FollowUpAnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, row, form, status=400)
    pain, relief = form.cleaned_data["pain"], form.cleaned_data["relief_percent"]
    try:
        answer_follow_up(row, request.user, pain=pain, relief_percent=relief)
    except FollowUpAlreadyAnswered as already:
        stored = already.follow_up
        if (stored.pain, stored.relief_percent) == (pain, relief):
            # The same answer sent twice (a double click, a refresh): it is saved.
            messages.info(request, "Thank you. Your answer is saved.")
            return redirect("patientportal:plan")
        form.add_error(None, str(already))
        return _page(request, stored, form, status=409)
    except PortalAccessDenied as refused:
        raise Http404("No such follow-up.") from refused
    except PortalActionError as error:
        form.add_error(None, str(error))
        return _page(request, row, form, status=400)
    messages.success(request, "Thank you. Your answer is saved and your care team can see it.")
    return redirect("patientportal:plan")


def _page(
    request: HttpRequest, row: ProcedureFollowUp, form: FollowUpAnswerForm, *, status: int = 200
) -> HttpResponse:
    today = row.plan.patient.today(timezone.now())
    plan_current = is_current_plan(row.plan)
    context = {
        "follow_up": row,
        "procedure": procedure_label(row.procedure).lower(),
        "form": form,
        "plan_current": plan_current,
        "can_answer": plan_current and row.is_due(today),
        "missed": missed_text(row) if row.is_missed(today) else "",
        "guidance": row.plan.red_flag_guidance,
    }
    return render(request, "patientportal/follow_up.html", context, status=status)
