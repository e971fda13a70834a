"""``/api/v1/plans/{plan_id}/notes`` (the team's notes, newest first, paged; never the
private notes) and ``…/team`` (who is on it; the lead adds and removes members)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from careteam.models import CareTeamMembership, TeamNote
from careteam.policy import PlanAction
from careteam.services import add_member, add_team_note, list_team_notes, remove_member
from patientportal.services.patients import active_team

from ..auth import caller
from ..schemas import MemberIn, MemberOut, TeamNoteIn, TeamNoteOut
from ..services.readers import readable_plan, reader_for, record_read, team_only

router = Router(tags=["Team and team notes"])


class Page(Schema):
    limit: int = SchemaField(20, ge=1, le=100)
    offset: int = SchemaField(0, ge=0, le=10**9)


@router.get("/{plan_id}/notes", response=list[TeamNoteOut], summary="Team notes, newest first")
def list_notes(request: HttpRequest, plan_id: int, page: Query[Page]) -> list[TeamNote]:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    team_only(reader, plan, "team notes")
    notes = list(list_team_notes(plan, caller(request))[page.offset : page.offset + page.limit])
    record_read(reader, plan, what="api team notes")
    return notes


@router.post("/{plan_id}/notes", response={201: TeamNoteOut}, summary="Add a team note")
def add_note(request: HttpRequest, plan_id: int, note: TeamNoteIn) -> Status:
    plan = readable_plan(reader_for(caller(request)), plan_id, PlanAction.ADD_TEAM_NOTE)
    return Status(201, add_team_note(plan, caller(request), note.body))


@router.get("/{plan_id}/team", response=list[MemberOut], summary="The plan's care team")
def list_team(request: HttpRequest, plan_id: int) -> list[CareTeamMembership] | list[dict]:
    reader = reader_for(caller(request))
    plan = readable_plan(reader, plan_id)
    members = list(active_team(plan).select_related("user"))
    record_read(reader, plan, what="api team")
    if reader.is_patient:  # as on /my/: names, not the logins behind them
        return [patient_view_of(member) for member in members]
    return members


def patient_view_of(member: CareTeamMembership) -> dict:
    name = member.user.get_full_name() or member.user.get_username()
    return {
        "user": {"id": None, "username": None, "name": name},
        "role": member.role,
        "joined_at": member.joined_at,
    }


@router.post("/{plan_id}/team", response={201: MemberOut}, summary="Add a provider to the team")
def add_team_member(request: HttpRequest, plan_id: int, member: MemberIn) -> Status:
    plan = readable_plan(reader_for(caller(request)), plan_id, PlanAction.MANAGE_TEAM)
    providers = get_user_model().objects.filter(is_active=True, provider_profile__isnull=False)
    user = providers.filter(username=member.username).first()
    if user is None:  # the same answer for a patient's login as for no login at all
        raise ValidationError({"username": "No active provider has that username."})
    return Status(201, add_member(plan, caller(request), user, member.role))


@router.delete(
    "/{plan_id}/team/{username}", response={204: None}, summary="Take a provider off the team"
)
def remove_team_member(request: HttpRequest, plan_id: int, username: str) -> Status:
    plan = readable_plan(reader_for(caller(request)), plan_id, PlanAction.MANAGE_TEAM)
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": "This provider is not on the team."})
    remove_member(plan, caller(request), user)
    return Status(204, None)
