"""The patient's messages: their threads with a new-thread form (/my/messages/) and one
thread with a reply form (/my/messages/<id>/)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from audit.models import AuditAction
from audit.services import record_event
from careteam.models import Patient
from careteam.services import CareAccessDenied
from careteam.views.forms_util import add_service_errors, posted
from patientportal.decorators import patient_required
from patientportal.services.patients import current_plans_for_patient

from ..access import message_rights
from ..forms import PATIENT_AUDIENCE_LABELS, NewThreadForm, ReplyForm
from ..models import Audience
from ..services import (
    MessageRefused,
    list_patient_threads,
    open_thread,
    patient_thread,
    reply,
    start_thread,
)
from .common import sent_url, urgent_after_sending

SENT = "Your message is sent. Your care team usually answers within two working days."


@patient_required
@require_http_methods(["GET", "POST"])
def my_messages(request: HttpRequest, patient: Patient) -> HttpResponse:
    plans = list(current_plans_for_patient(patient).select_related("patient"))
    form = NewThreadForm(
        posted(request),
        audiences=Audience.values if plans else [],
        labels=PATIENT_AUDIENCE_LABELS,
        plans=plans,
    )
    status = 200
    if request.method == "POST":
        status = 400
        plan = form.chosen_plan() if plans and form.is_valid() else None
        if plan is not None:
            try:
                sent = start_thread(
                    plan,
                    request.user,
                    audience=form.cleaned_data["audience"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except MessageRefused as refused:
                form.add_error(None, str(refused))
            except CareAccessDenied as exc:
                raise Http404("No such plan.") from exc
            else:
                flash.success(request, SENT)
                url = reverse("messaging:thread", args=[sent.message.thread_id])
                return redirect(sent_url(url, sent))
    context = {
        "threads": list_patient_threads(patient, request.user),
        "form": form if plans else None,
        "patient": patient,
        "labels": PATIENT_AUDIENCE_LABELS,
    }
    return render(request, "messaging/my_messages.html", context, status=status)


@patient_required
@require_http_methods(["GET", "POST"])
def my_thread(request: HttpRequest, patient: Patient, thread_id: int) -> HttpResponse:
    thread = patient_thread(patient, thread_id)
    if thread is None:
        record_event(
            request.user,
            AuditAction.DENIED,
            None,
            request=request,
            patient=patient,
            detail={"reason": "no such message thread of this patient", "id": thread_id},
        )
        raise Http404("No such conversation.")
    rights = message_rights(request.user, thread.plan)
    form = ReplyForm(posted(request))
    status = 200
    try:
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    sent = reply(thread, request.user, form.cleaned_data["body"])
                except ValidationError as error:
                    add_service_errors(form, error)
                except MessageRefused as refused:
                    form.add_error(None, str(refused))
                else:
                    flash.success(request, SENT)
                    return redirect(sent_url(reverse("messaging:thread", args=[thread.pk]), sent))
        page = open_thread(thread, request.user, rights)
    except CareAccessDenied as exc:
        raise Http404("No such conversation.") from exc
    context = {
        "page": page,
        "thread": thread,
        "form": form if rights.may_send(thread.audience) else None,
        "urgent": urgent_after_sending(request, page),
        "labels": PATIENT_AUDIENCE_LABELS,
    }
    return render(request, "messaging/my_thread.html", context, status=status)
