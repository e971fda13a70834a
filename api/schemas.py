"""What the API's records look like on the wire (OpenAPI 3 schemas, by django-ninja).

Each ``…Out`` is a read (a ninja ``Schema``, read from the model's attributes). Each ``…In``
is a create and each ``…Patch`` a change (``Body``: plain pydantic, so a body must be a JSON
object, and a field it does not know is refused). In a change every field is optional and
only those sent are changed; null is refused where the record cannot be empty (send "" to
clear a text), allowed for a date (no date).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, StrictInt

from careteam.models import (
    ActivityKind,
    ActivityStatus,
    CarePlanStatus,
    Discipline,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    TeamRole,
)
from patientportal.models import AlertKind, AlertOutcome, RedFlag


def _storable(text: str) -> str:
    """Text a database keeps: no NUL, no lone surrogate (PostgreSQL and UTF-8 refuse them)."""
    if "\x00" in text:
        raise ValueError("must not contain a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (a lone surrogate is not)") from None
    return text


# Every text a request sends: refused with a 422 naming the field, never a 500 on saving.
Text = Annotated[str, AfterValidator(_storable)]


class Body(BaseModel):
    """A request body: a JSON object, with no field this API does not know."""

    model_config = ConfigDict(extra="forbid")


# A field a change may leave out but not set to null: its default is never validated, and
# ``exclude_unset`` passes on only the fields sent.
NOT_NULL: Any = None


class PatientRef(Schema):
    id: int
    record_number: str
    name: str = Field(..., alias="full_name")


class PlanOut(Schema):
    id: int
    title: str
    status: CarePlanStatus
    patient: PatientRef
    period_start: datetime.date | None
    period_end: datetime.date | None
    version: int
    updated_at: datetime.datetime


class PrecautionOut(Schema):
    id: int
    description: str
    version: int


class GoalOut(Schema):
    id: int
    discipline: Discipline = Field(..., alias="section.discipline")
    description: str
    measure: str
    target: str
    due_date: datetime.date | None
    lifecycle_status: GoalLifecycleStatus
    achievement_status: GoalAchievementStatus | None
    visible_to_patient: bool
    version: int

    @staticmethod
    def resolve_achievement_status(goal) -> str | None:
        return goal.achievement_status or None  # "" is stored for "not assessed"


class ActivityOut(Schema):
    id: int
    discipline: Discipline = Field(..., alias="section.discipline")
    kind: ActivityKind
    title: str
    status: ActivityStatus
    schedule: str
    scheduled_on: datetime.date | None
    instructions: str
    do_not_perform: bool
    visible_to_patient: bool
    version: int


class PlanDetailOut(PlanOut):
    conditions: str | None = Field(None, description="For the team only (null for a patient).")
    patient_summary: str
    red_flag_guidance: str
    precautions: list[PrecautionOut]
    goals: list[GoalOut]
    activities: list[ActivityOut]


class PlanList(Schema):
    count: int
    items: list[PlanOut]


class PlanPatch(Body):
    title: Text = Field(NOT_NULL, min_length=1, max_length=200)
    status: CarePlanStatus = NOT_NULL
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    conditions: Text = Field(NOT_NULL, max_length=4000)
    patient_summary: Text = Field(NOT_NULL, max_length=4000)
    red_flag_guidance: Text = Field(NOT_NULL, max_length=4000)


class PrecautionIn(Body):
    description: Text = Field(..., min_length=1, max_length=2000)


class GoalIn(Body):
    discipline: Discipline
    description: Text = Field(..., min_length=1, max_length=2000)
    measure: Text = Field("", max_length=200)
    target: Text = Field("", max_length=200)
    due_date: datetime.date | None = None
    lifecycle_status: GoalLifecycleStatus = GoalLifecycleStatus.ACTIVE
    achievement_status: GoalAchievementStatus | None = None
    visible_to_patient: bool = True


class GoalPatch(Body):
    description: Text = Field(NOT_NULL, min_length=1, max_length=2000)
    measure: Text = Field(NOT_NULL, max_length=200)
    target: Text = Field(NOT_NULL, max_length=200)
    due_date: datetime.date | None = None
    lifecycle_status: GoalLifecycleStatus = NOT_NULL
    achievement_status: GoalAchievementStatus | None = None  # null: not assessed
    visible_to_patient: bool = NOT_NULL


class ActivityIn(Body):
    discipline: Discipline
    kind: ActivityKind
    title: Text = Field(..., min_length=1, max_length=200)
    status: ActivityStatus = ActivityStatus.SCHEDULED
    schedule: Text = Field("", max_length=200)
    scheduled_on: datetime.date | None = None
    instructions: Text = Field("", max_length=4000)
    do_not_perform: bool = False
    visible_to_patient: bool = True


class ActivityPatch(Body):
    kind: ActivityKind = NOT_NULL
    title: Text = Field(NOT_NULL, min_length=1, max_length=200)
    status: ActivityStatus = NOT_NULL
    schedule: Text = Field(NOT_NULL, max_length=200)
    scheduled_on: datetime.date | None = None
    instructions: Text = Field(NOT_NULL, max_length=4000)
    do_not_perform: bool = NOT_NULL
    visible_to_patient: bool = NOT_NULL


class PersonRef(Schema):
    id: int | None = Field(None, description="Null for a patient reading their team.")
    username: str | None = Field(None, description="Null for a patient reading their team.")
    name: str

    @staticmethod
    def resolve_name(person: Any) -> str:
        if isinstance(person, dict):  # already in words: a patient's view of their team
            return person["name"]
        return person.get_full_name() or person.get_username()


class TeamNoteOut(Schema):
    id: int
    body: str
    author: PersonRef | None
    created_at: datetime.datetime


class TeamNoteIn(Body):
    body: Text = Field(..., min_length=1, max_length=10000)


class MemberOut(Schema):
    user: PersonRef
    role: TeamRole
    joined_at: datetime.datetime


class MemberIn(Body):
    username: Text = Field(..., min_length=1, max_length=150)
    role: TeamRole


class ReadingOut(Schema):
    id: int
    page_title: str
    url: str | None
    note: str
    due_date: datetime.date | None
    assigned_at: datetime.datetime
    read_at: datetime.datetime | None
    helpful: bool | None

    @staticmethod
    def resolve_url(assignment) -> str | None:
        return assignment.page.url if assignment.page is not None else None


class CheckInOut(Schema):
    id: int
    recorded_at: datetime.datetime
    pain_score: int
    note: str
    red_flags: list[RedFlag]


class CheckInIn(Body):
    pain_score: int = Field(..., ge=0, le=10, description="0 = no pain, 10 = worst imaginable.")
    note: Text = Field("", max_length=2000)
    red_flags: list[RedFlag] = Field(default_factory=list, max_length=len(RedFlag))


class CheckInSaved(CheckInOut):
    urgent_advice: str | None = Field(
        None, description="Set when a red flag was reported: show it to the patient first."
    )


class QuestionnaireResultOut(Schema):
    id: int
    questionnaire: str = Field(..., description="The questionnaire's code, e.g. phq9 or odi.")
    title: str
    completed_at: datetime.datetime
    total: float | None = Field(
        ...,
        description="A whole number, or a mean to one decimal place (PEG, PSFS); null when "
        "the caller may see only the band of a mental-health questionnaire.",
    )
    band: str = Field(..., description="What the total means; empty without bands.")
    answered: int = Field(..., description="How many questions were answered.")
    answers: dict[str, Any] | None = Field(
        ...,
        description="Each question's key with its answer (a number, or for an activity its "
        "name and number; null when skipped); null when the caller may not see them.",
    )


class ActivityAnswerIn(Body):
    name: Text
    rating: StrictInt


class QuestionnaireAnswersIn(Body):
    answers: dict[Text, StrictInt | ActivityAnswerIn | None] = Field(
        ...,
        description="Each question's key with its answer: the number of the option chosen, "
        "or for an activity (PSFS) its name and a number; null or left out when skipped.",
    )


class AlertOut(Schema):
    id: int
    plan_id: int
    # What raised it: red flags at a check-in or in a secure message (``flags``), a PHQ-9
    # self-harm answer or a severe questionnaire score (``flags`` empty; the answers stay on
    # the team's pages). A message's words of self-harm are its kind's, not a red flag.
    kind: AlertKind
    flags: list[RedFlag]
    created_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    outcome: AlertOutcome | None
    outcome_note: str

    @staticmethod
    def resolve_outcome(alert) -> str | None:
        return alert.outcome or None

    @staticmethod
    def resolve_flags(alert) -> list[str]:
        return [flag for flag in alert.flags if flag in RedFlag.values]


class AcknowledgementIn(Body):
    outcome: AlertOutcome
    note: Text = Field("", max_length=2000)


class ProblemOut(Schema):
    """RFC 9457 problem details: every error this API answers (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[dict[str, str]] | None = None
    urgent_advice: str | None = None
