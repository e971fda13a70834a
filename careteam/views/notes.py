"""Team notes (every member) and psychotherapy notes (mental-health members only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from careteam.forms import NoteForm
from careteam.policy import PlanAction
from careteam.services import add_private_note, add_team_note, list_private_notes

from .authorization import PlanAccess, plan_view
from .editing import handle_form, plan_url
from .forms_util import posted
from .plans import notes_page


@plan_view("GET", "POST")
def team_note_create(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    access.require(PlanAction.ADD_TEAM_NOTE)
    form = NoteForm(posted(request), auto_id="id_team_note_%s", label="New team note")
    return handle_form(
        request,
        access,
        form,
        lambda data: add_team_note(access.plan, request.user, data["body"]),
        context={"heading": "Add a team note", "submit_label": "Add team note"},
        success_message="Your note is added for the team.",
        success_url=plan_url(access, "team-notes"),
    )


@plan_view("GET", "POST")
def private_notes(request: HttpRequest, access: PlanAccess) -> HttpResponse:
    """The psychotherapy notes, a page at a time, and the form to add one: kept off the
    plan page, so opening them is a deliberate, separately audited read."""
    access.require(PlanAction.PRIVATE_NOTES)
    form = NoteForm(posted(request), auto_id="id_private_note_%s", label="New private note")
    context = {"heading": "Psychotherapy notes", "submit_label": "Add private note"}
    if request.method == "GET":
        context["private_notes"] = notes_page(
            request, list_private_notes(access.plan, request.user), "page", "notes"
        )
    url = reverse("careteam:private-notes", args=[access.plan.pk])
    return handle_form(
        request,
        access,
        form,
        lambda data: add_private_note(access.plan, request.user, data["body"]),
        context=context,
        success_message="Your private note is saved.",
        success_url=f"{url}#notes",
        template="careteam/private_notes.html",
    )
