"""Every page of the site that takes a form, as tests/test_core_hostile_forms.py posts to
it: who may post, where, how the page's view binds its form (so a test can ask the form
whether a body is valid), the row an edit or delete changes, and the values a field's type
cannot guess (a provider's username, the patient's record number).

``FORM_PAGES`` must name every form page under /care/ and /my/ (a test checks it against the
URL resolver, as tests/test_core_request_safety.py does for its own table).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass, field

from django import forms
from django.db import models
from django.http import QueryDict
from django.urls import reverse

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
from patientportal.forms import (
    AcknowledgeAlertForm,
    AnswerQuestionnaireForm,
    AssignReadingForm,
    CheckInForm,
    InvitePatientForm,
    ReadingFeedbackForm,
    StartFlareForm,
)
from patientportal.models import AlertOutcome, ReadingAssignment, RedFlagAlert
from patientportal.services.assigned_reading import assign_reading
from patientportal.services.checkins import record_check_in
from patientportal.services.patients import current_exercises
from questionnaires.instruments import PSFS
from tests.patient_fixtures import PortalWorld
from tests.portal_fixtures import make_article, make_topic


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


def provider_login(who: Callable[[FormWorld], object]):
    return lambda world: {"who": [who(world).username, who(world).email.upper()]}


PLAN = {"plan_id": plan_id}
SECTION = {**PLAN, "section_id": pk_of(FormWorld.section)}
LEAD, PATIENT = FormWorld.lead, FormWorld.patient_user


def item_page(noun: str, action: str, item, form_class=None) -> FormPage:
    bind = deleting(item) if action == "delete" else editing(form_class, item)
    kwargs = {**PLAN, "item_id": pk_of(item)}
    return FormPage(f"careteam:{noun}-{action}", LEAD, bind, kwargs, target=item)


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
    "patientportal:reading-feedback": FormPage(
        "patientportal:reading-feedback",
        PATIENT,
        creating(ReadingFeedbackForm),
        {"assignment_id": lambda world: world.assignment.pk},
        target=lambda world: world.assignment,
    ),
}
