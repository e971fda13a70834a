"""The team's messages with the patient on a plan: the threads with a new-thread form
(/care/plans/<id>/messages/) and one thread with a reply form (.../messages/<id>/).

Every request asks the policy afresh (``plan_view`` reads the rights; the services ask
again, under a lock before a write). An emergency access reads the threads to the whole
team and writes nothing (403); a member refused a mental-health thread gets 403."""

from __future__ import annotations

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from careteam.policy import EmergencyAction, PlanAction
from careteam.views.authorization import (
    ActionNotAllowed,
    PlanAccess,
    deny_not_found,
    plan_view,
)
from careteam.views.forms_util import add_service_errors, posted

from ..access import from_plan_rights
from ..forms import TEAM_AUDIENCE_LABELS, NewThreadForm, ReplyForm
from ..services import list_threads, open_thread, reply, start_thread, thread_on_plan
from .common import sent_url

SENT = "Your message is sent."


def _require_send(access: PlanAccess) -> None:
    if access.rights.by_emergency:
        raise ActionNotAllowed(EmergencyAction.READ_ONLY)
    access.require(PlanAction.SEND_MESSAGES)


def thread_url(plan_id: int, thread_id: int) -> str:
    return reverse("messaging_team:thread", kwargs={"plan_id": plan_id, "thread_id": thread_id})


@plan_view("GET", "POST", emergency_readers=True)
def plan_messages(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.READ_MESSAGES)
    rights = from_plan_rights(access.rights)
    if request.method == "POST":
        _require_send(access)
    audiences = [value for value in rights.readable_audiences() if rights.may_send(value)]
    form = NewThreadForm(posted(request), audiences=audiences, labels=TEAM_AUDIENCE_LABELS)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                sent = start_thread(
                    access.plan,
                    request.user,
                    audience=form.cleaned_data["audience"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, SENT)
                return redirect(sent_url(thread_url(access.plan.pk, sent.message.thread_id), sent))
    context = {
        "plan": access.plan,
        "threads": list_threads(access.plan, request.user, rights),
        "form": form if audiences else None,
        "labels": TEAM_AUDIENCE_LABELS,
        "by_emergency": access.rights.by_emergency,
    }
    return render(request, "messaging/team_messages.html", context, status=status)


@plan_view("GET", "POST", emergency_readers=True)
def plan_thread(request: HttpRequest, access: PlanAccess, thread_id: int) -> HttpResponse:
    thread = thread_on_plan(access.plan, thread_id)
    if thread is None:
        raise deny_not_found(request, access.plan, "message thread", thread_id)
    rights = from_plan_rights(access.rights)
    access.require(PlanAction.READ_MESSAGES)
    if not rights.may_read(thread.audience):
        access.require(PlanAction.MENTAL_HEALTH_THREADS)
    form = ReplyForm(posted(request), label="Your reply to the patient")
    status = 200
    if request.method == "POST":
        _require_send(access)
        status = 400
        if form.is_valid():
            try:
                sent = reply(thread, request.user, form.cleaned_data["body"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, SENT)
                return redirect(sent_url(thread_url(access.plan.pk, thread.pk), sent))
    context = {
        "plan": access.plan,
        "thread": thread,
        "page": open_thread(thread, request.user, rights),
        "form": form if rights.may_send(thread.audience) else None,
        "labels": TEAM_AUDIENCE_LABELS,
        "by_emergency": access.rights.by_emergency,
    }
    return render(request, "messaging/team_thread.html", context, status=status)
