"""Every page of the site that takes a form, as tests/test_core_hostile_forms.py posts to
it: who may post, where, how the page's view binds its form (so a test can ask the form
whether a body is valid), the row an edit or delete changes, and the values a field's type
cannot guess (a provider's username, the patient's record number).

``FORM_PAGES`` must name every form page under /care/ and /my/ (a test checks it against the
URL resolver, as tests/test_core_request_safety.py does for its own table).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from careteam.forms import (
    ActivityForm,
    DeleteForm,
    EmergencyAccessForm,
    GoalForm,
    HandOverLeadForm,
    InviteMemberForm,
    NoteForm,
    PatientEditForm,
    PatientForm,
    PlanCreateForm,
    PlanEditForm,
    PrecautionForm,
)
from careteam.models import (
    Activity,
    CarePlan,
    CareTeamMembership,
    Discipline,
    EmergencyAccess,
    Goal,
    Patient,
    PlanSection,
    Precaution,
)
from careteam.services import open_emergency_access
from exercises.forms import DoseForm, LogSessionForm, PrescribeForm, StopForm
from exercises.models import Programme, ProgrammeItem
from messaging.forms import PATIENT_AUDIENCE_LABELS, TEAM_AUDIENCE_LABELS, NewThreadForm, ReplyForm
from messaging.models import Audience, Thread
from messaging.services import start_thread
from patientportal.forms import (
    AcknowledgeAlertForm,
    AnswerQuestionnaireForm,
    AssignReadingForm,
    CheckInForm,
    InvitePatientForm,
    ReadingFeedbackForm,
    StartFlareForm,
)
from patientportal.forms.follow_ups import FollowUpAnswerForm
from patientportal.forms.reminders import ReminderPreferenceForm
from patientportal.forms.schedules import AddScheduleForm, ChangeScheduleForm, StopScheduleForm
from patientportal.models import (
    AlertOutcome,
    QuestionnaireSchedule,
    ReadingAssignment,
    RedFlagAlert,
    ReminderPreference,
)
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.patients import current_exercises, current_plans_for_patient
from plantemplates.forms import StartFromTemplateForm
from plantemplates.models import PlanTemplate
from questionnaires.instruments import INSTRUMENTS, PSFS
from tests.exercises_fixtures import library_exercise, programme_exercise, programme_items
from tests.patient_fixtures import PortalWorld
from tests.plantemplate_fixtures import make_plan_template
from tests.portal_fixtures import make_article, make_topic
from tests.procedure_fixtures import due_follow_up
from tests.schedule_fixtures import odi_schedule


@dataclass
class FormWorld:
    portal: PortalWorld
    article: object
    assignment: ReadingAssignment
    alert: RedFlagAlert

    @property
    def plan(self) -> CarePlan:
        return self.portal.plan

    def lead(self):
        return self.portal.lead

    def patient_user(self):
        return self.portal.patient_user

    def plan_row(self) -> CarePlan:
        return CarePlan.objects.get(pk=self.plan.pk)

    def patient_row(self) -> Patient:
        return Patient.objects.get(pk=self.plan.patient_id)

    def section(self) -> PlanSection:
        return self.plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)

    def goal(self) -> Goal:
        return Goal.objects.filter(section=self.section()).order_by("pk").first()

    def activity(self) -> Activity:
        return Activity.objects.filter(section=self.section()).order_by("pk").first()

    def precaution(self) -> Precaution:
        return Precaution.objects.filter(plan=self.plan).order_by("pk").first()

    def outside_physician(self):
        return self.portal.team.spare_physician

    def emergency_grant(self) -> EmergencyAccess:
        """The outside physician's emergency access to the plan (opened once, then reused)."""
        reason = "Seen in the emergency department tonight."
        return open_emergency_access(self.outside_physician(), self.plan, reason)

    def message_thread(self) -> Thread:
        return Thread.objects.filter(plan=self.plan).order_by("pk").first()

    def schedule(self) -> QuestionnaireSchedule:
        return odi_schedule(self.plan, self.lead())

    def patient_today(self) -> datetime.date:
        return self.patient_row().today(timezone.now())

    def contributor_membership(self) -> CareTeamMembership:
        team = CareTeamMembership.objects.active()
        return team.get(plan=self.plan, user=self.portal.team.contributor)


def build_form_world(portal_world: PortalWorld, site_tree) -> FormWorld:
    """The patient portal's world (``portal_world``) plus an article to assign, one already
    assigned and an open red-flag alert."""
    article = make_article(site_tree.articles, "Pacing basics", topics=[make_topic("Pacing")])
    other = make_article(site_tree.articles, "Sleep and pain")
    patient, user = portal_world.patient, portal_world.patient_user
    record_check_in(patient, user, pain_score=8, red_flags=["severe_pain_after_fall"])
    assignment = assign_reading(portal_world.plan, portal_world.lead, other, note="For nights")
    alert = RedFlagAlert.objects.get(plan=portal_world.plan)
    make_plan_template()  # a published template to start a plan from
    due_follow_up(portal_world)  # a procedure follow-up the patient can answer today
    # A thread of secure messages to reply in.
    start_thread(portal_world.plan, user, audience=Audience.TEAM, subject="Pacing", body="Hi")
    return FormWorld(portal_world, article, assignment, alert)


Getter = Callable[[FormWorld], object]


@dataclass(frozen=True)
class FormPage:
    """A page that takes a form."""

    url_name: str
    user: Getter
    # The view's form bound to ``request.POST`` (None: unbound); None for a bare button.
    bind: Callable[[FormWorld, QueryDict | None], forms.Form | None]
    url_kwargs: dict[str, Getter] = field(default_factory=dict)
    # The row an edit or delete changes, if any.
    target: Callable[[FormWorld], models.Model | None] = lambda world: None
    # Values that make a field valid which its type cannot tell, the plainest first.
    known_good: Callable[[FormWorld], dict[str, list[str]]] = lambda world: {}
    # Fields the page's template adds beside its form (valid values, the plainest first).
    extra: Callable[[FormWorld], dict[str, list[str]]] = lambda world: {}

    def url(self, world: FormWorld) -> str:
        return reverse(self.url_name, kwargs={k: get(world) for k, get in self.url_kwargs.items()})


def schedule_initial(world: FormWorld) -> dict:
    schedule = world.schedule()
    return {
        "every_days": schedule.every_days,
        "starts_on": schedule.starts_on,
        "version": schedule.version,
    }


def plan_id(world: FormWorld) -> int:
    return world.plan.pk


def pk_of(item: Callable[[FormWorld], models.Model]) -> Getter:
    return lambda world: item(world).pk


def editing(form_class, item: Callable[[FormWorld], models.Model]):
    return lambda world, data: form_class(data, instance=copy(item(world)))


def deleting(item: Callable[[FormWorld], models.Model]):
    return lambda world, data: DeleteForm(data, initial={"version": item(world).version})


def creating(form_class, **kwargs):
    return lambda world, data: form_class(data, **kwargs)


def no_form(world: FormWorld, data) -> None:
    return None


def one_time_key(world: FormWorld) -> dict[str, list[str]]:
    """A well-formed one-time key for a form that creates something (patientportal.forms
    .OneTimeKeyForm); its type alone would only ever guess malformed ones."""
    return {"submission_key": [str(uuid.uuid4())]}


def reminder_preference(world: FormWorld) -> ReminderPreference:
    return ReminderPreference.objects.get_or_create(patient=world.plan.patient)[0]


def provider_login(who: Callable[[FormWorld], object]):
    return lambda world: {"who": [who(world).username, who(world).email.upper()]}


PLAN = {"plan_id": plan_id}
SECTION = {**PLAN, "section_id": pk_of(FormWorld.section)}
LEAD, PATIENT = FormWorld.lead, FormWorld.patient_user


def item_page(noun: str, action: str, item, form_class=None) -> FormPage:
    bind = deleting(item) if action == "delete" else editing(form_class, item)
    kwargs = {**PLAN, "item_id": pk_of(item)}
    return FormPage(f"careteam:{noun}-{action}", LEAD, bind, kwargs, target=item)


def programme_item(world: FormWorld) -> tuple[ProgrammeItem, int]:
    """An exercise in the plan's programme (prescribed the first time) and the version."""
    exercise = programme_exercise(world.plan, world.lead())
    programme = Programme.objects.get(plan=world.plan)
    item = ProgrammeItem.objects.get(
        version__programme=programme, version__number=programme.version, exercise=exercise
    )
    return item, programme.version


def programme_version(world: FormWorld) -> int:
    programme = Programme.objects.filter(plan=world.plan).first()
    return programme.version if programme else 0


EXERCISE = {**PLAN, "exercise_id": lambda world: programme_item(world)[0].exercise_id}


FORM_PAGES: dict[str, FormPage] = {
    "careteam:patient-create": FormPage(
        "careteam:patient-create",
        LEAD,
        creating(PatientForm),
        known_good=lambda world: {"date_of_birth": ["1980-05-17"]},
    ),
    "careteam:patient-edit": FormPage(
        "careteam:patient-edit",
        LEAD,
        editing(PatientEditForm, FormWorld.patient_row),
        PLAN,
        target=FormWorld.patient_row,
    ),
    # A published template, for a patient whose plan the lead leads (plantemplates/).
    "plantemplates:start": FormPage(
        "plantemplates:start",
        LEAD,
        creating(StartFromTemplateForm),
        known_good=lambda world: {
            "template": [str(PlanTemplate.objects.usable().first().pk)],
            "record_number": [world.patient_row().record_number],
        },
    ),
    "careteam:plan-create": FormPage(
        "careteam:plan-create",
        LEAD,
        creating(PlanCreateForm),
        known_good=lambda world: {"record_number": [world.patient_row().record_number]},
    ),
    "careteam:plan-edit": FormPage(
        "careteam:plan-edit",
        LEAD,
        editing(PlanEditForm, FormWorld.plan_row),
        PLAN,
        target=FormWorld.plan_row,
    ),
    "careteam:precaution-create": FormPage(
        "careteam:precaution-create", LEAD, creating(PrecautionForm), PLAN
    ),
    "careteam:precaution-edit": item_page(
        "precaution", "edit", FormWorld.precaution, PrecautionForm
    ),
    "careteam:precaution-delete": item_page("precaution", "delete", FormWorld.precaution),
    "careteam:goal-create": FormPage("careteam:goal-create", LEAD, creating(GoalForm), SECTION),
    "careteam:goal-edit": item_page("goal", "edit", FormWorld.goal, GoalForm),
    "careteam:goal-delete": item_page("goal", "delete", FormWorld.goal),
    "careteam:activity-create": FormPage(
        "careteam:activity-create", LEAD, creating(ActivityForm), SECTION
    ),
    "careteam:activity-edit": item_page("activity", "edit", FormWorld.activity, ActivityForm),
    "careteam:activity-delete": item_page("activity", "delete", FormWorld.activity),
    "careteam:team-note-create": FormPage(
        "careteam:team-note-create", LEAD, creating(NoteForm, auto_id="id_team_note_%s"), PLAN
    ),
    "careteam:private-notes": FormPage(
        "careteam:private-notes",
        lambda world: world.portal.team.mental_health,
        creating(NoteForm, auto_id="id_private_note_%s"),
        PLAN,
    ),
    "careteam:member-add": FormPage(
        "careteam:member-add",
        LEAD,
        creating(InviteMemberForm),
        PLAN,
        known_good=provider_login(lambda world: world.portal.team.outsider),
    ),
    "careteam:member-remove": FormPage(
        "careteam:member-remove",
        LEAD,
        no_form,
        {**PLAN, "membership_id": pk_of(FormWorld.contributor_membership)},
    ),
    "careteam:lead-hand-over": FormPage(
        "careteam:lead-hand-over",
        LEAD,
        creating(HandOverLeadForm),
        PLAN,
        known_good=provider_login(lambda world: world.portal.team.spare_physician),
    ),
    "careteam:emergency-access": FormPage(
        "careteam:emergency-access",
        FormWorld.outside_physician,
        creating(EmergencyAccessForm),
        known_good=lambda world: {
            "record_number": [world.patient_row().record_number],
            "reason": ["Seen in the emergency department tonight."],
        },
        # The radio group of the patient's open plans, listed after a first submission.
        extra=lambda world: {"plan": [str(world.plan.pk)]},
    ),
    "careteam:emergency-access-end": FormPage(
        "careteam:emergency-access-end",
        FormWorld.outside_physician,
        no_form,
        {"grant_id": pk_of(FormWorld.emergency_grant)},
    ),
    "patientportal_team:assign-reading": FormPage(
        "patientportal_team:assign-reading",
        LEAD,
        lambda world, data: AssignReadingForm(data or None),
        PLAN,
        known_good=lambda world: {"page": [str(world.article.pk)], **one_time_key(world)},
    ),
    # Questionnaire schedules: a new one (the PSFS; the world has the ODI scheduled), a
    # change of the ODI's and its stop button. What a change computes (the next due date)
    # and what stopping sets are the service's, so neither names its row as the target.
    "patientportal_team:questionnaire-schedules": FormPage(
        "patientportal_team:questionnaire-schedules",
        LEAD,
        lambda world, data: AddScheduleForm(
            data, instruments=list(INSTRUMENTS.values()), today=world.patient_today()
        ),
        PLAN,
        known_good=lambda world: {"instrument": ["psfs", "peg"]},
    ),
    "patientportal_team:questionnaire-schedule": FormPage(
        "patientportal_team:questionnaire-schedule",
        LEAD,
        lambda world, data: ChangeScheduleForm(data, initial=schedule_initial(world)),
        {**PLAN, "schedule_id": pk_of(FormWorld.schedule)},
    ),
    "patientportal_team:questionnaire-schedule-stop": FormPage(
        "patientportal_team:questionnaire-schedule-stop",
        LEAD,
        lambda world, data: StopScheduleForm(data, initial={"version": world.schedule().version}),
        {**PLAN, "schedule_id": pk_of(FormWorld.schedule)},
    ),
    # The invite button: its one-time key is its only field. The patient already has a login,
    # so a valid key is answered with the refusal message on the plan page (a redirect).
    "patientportal_team:invite": FormPage(
        "patientportal_team:invite",
        LEAD,
        creating(InvitePatientForm),
        PLAN,
        known_good=one_time_key,
    ),
    # What was done; the note is required for "no action needed" (by the service: 400).
    "patientportal_team:acknowledge-alert": FormPage(
        "patientportal_team:acknowledge-alert",
        LEAD,
        creating(AcknowledgeAlertForm),
        {**PLAN, "alert_id": lambda world: world.alert.pk},
        known_good=lambda world: {"outcome": [AlertOutcome.CALLED_PATIENT]},
        # Where the page goes back to (the plan when missing or unknown).
        extra=lambda world: {"next": ["dashboard", "clinic-alerts"]},
    ),
    # The home exercise programme: adding from the library (a published exercise not yet in
    # the programme), a new dose (any change of it), stopping one, and the patient's log.
    "exercises_team:add": FormPage(
        "exercises_team:add",
        LEAD,
        lambda world, data: PrescribeForm(data, initial={"version": programme_version(world)}),
        PLAN,
        known_good=lambda world: {"exercise": [str(library_exercise("Hostile clamshell").pk)]},
    ),
    "exercises_team:change-dose": FormPage(
        "exercises_team:change-dose",
        LEAD,
        lambda world, data: DoseForm(data, initial=DoseForm.initial_from(*programme_item(world))),
        EXERCISE,
        known_good=lambda world: {"sets": ["4"]},
    ),
    "exercises_team:stop": FormPage(
        "exercises_team:stop",
        LEAD,
        lambda world, data: StopForm(data, initial={"version": programme_item(world)[1]}),
        EXERCISE,
    ),
    "exercises:log": FormPage(
        "exercises:log",
        PATIENT,
        lambda world, data: LogSessionForm(
            data or None, items=programme_items(world.plan, world.lead())
        ),
        known_good=one_time_key,
        # The programme the log is for, beside the form.
        extra=lambda world: {
            "plan": [str(world.plan.pk)],
            "version": [str(programme_version(world))],
        },
    ),
    "patientportal:check-in": FormPage(
        "patientportal:check-in",
        PATIENT,
        lambda world, data: CheckInForm(
            data or None, exercises=list(current_exercises(world.plan.patient))
        ),
        known_good=one_time_key,
    ),
    # "I'm having a flare" (the flare page's button, its one-time key its only field), and
    # "My flare is over" (the CSRF token only).
    "patientportal:flare-start": FormPage(
        "patientportal:flare-start",
        PATIENT,
        creating(StartFlareForm),
        known_good=one_time_key,
    ),
    "patientportal:flare-end": FormPage("patientportal:flare-end", PATIENT, no_form),
    # The reminder settings (their row is made on the first save; here before, to compare).
    "patientportal:reminders": FormPage(
        "patientportal:reminders",
        PATIENT,
        lambda world, data: ReminderPreferenceForm(data, preference=reminder_preference(world)),
        target=reminder_preference,
        known_good=lambda world: {
            "send_at": ["09:00"],
            "quiet_from": ["21:30"],
            "quiet_until": ["07:30"],
        },
    ),
    # Pain now and relief since a procedure, answered once (each example is rolled back).
    "patientportal:follow-up": FormPage(
        "patientportal:follow-up",
        PATIENT,
        creating(FollowUpAnswerForm),
        {"follow_up_id": lambda world: due_follow_up(world.portal).pk},
        known_good=lambda world: {"relief_percent": ["50", "0", "100"]},
    ),
    # The PSFS: the questionnaire whose form has text (the activities' names) besides
    # choices; every instrument's form is the same engine's (tests/test_questionnaires_forms).
    "patientportal:questionnaire": FormPage(
        "patientportal:questionnaire",
        PATIENT,
        lambda world, data: AnswerQuestionnaireForm(data or None, instrument=PSFS),
        {"code": lambda world: PSFS.code},
        known_good=lambda world: {
            "activity_1_name": ["Climbing stairs"],
            "activity_1": ["4"],
            **one_time_key(world),
        },
    ),
    # Secure messages: the lead starts a thread to the whole team (the only audience the
    # lead may write to), the patient to either audience on their one current plan; both
    # reply in the thread the world started.
    "messaging_team:messages": FormPage(
        "messaging_team:messages",
        LEAD,
        lambda world, data: NewThreadForm(
            data, audiences=[Audience.TEAM], labels=TEAM_AUDIENCE_LABELS
        ),
        PLAN,
    ),
    "messaging_team:thread": FormPage(
        "messaging_team:thread",
        LEAD,
        creating(ReplyForm),
        {**PLAN, "thread_id": pk_of(FormWorld.message_thread)},
    ),
    "messaging:messages": FormPage(
        "messaging:messages",
        PATIENT,
        lambda world, data: NewThreadForm(
            data,
            audiences=Audience.values,
            labels=PATIENT_AUDIENCE_LABELS,
            plans=list(current_plans_for_patient(world.plan.patient)),
        ),
        known_good=lambda world: {"plan": [str(world.plan.pk)]},
    ),
    "messaging:thread": FormPage(
        "messaging:thread",
        PATIENT,
        creating(ReplyForm),
        {"thread_id": pk_of(FormWorld.message_thread)},
    ),
    "patientportal:reading-feedback": FormPage(
        "patientportal:reading-feedback",
        PATIENT,
        creating(ReadingFeedbackForm),
        {"assignment_id": lambda world: world.assignment.pk},
        target=lambda world: world.assignment,
    ),
}
