"""Starting a plan from a template (plantemplates.services): everything is copied through
careteam's services in one transaction, the audit trail says which template and revision,
and from then on the plan and the template go their own ways."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from careteam.models import (
    Activity,
    CarePlan,
    CarePlanStatus,
    Discipline,
    Goal,
    Patient,
    Precaution,
    TeamRole,
)
from careteam.policy import PatientAction, PlanAction, refusal
from careteam.services import CareAccessDenied, create_patient, update_goal
from patientportal.models import QuestionnaireSchedule, ReadingAssignment
from plantemplates.models import PlanTemplate, TemplateUse
from plantemplates.services import TemplateNotUsable, start_plan_from_template
from plantemplates.services import starting as starting_module
from plantemplates.services.keeping import publish_template
from plantemplates.services.reading import NO_PORTAL_LOGIN
from tests.patient_fixtures import give_login
from tests.plantemplate_fixtures import (
    ACTIVITY_TEXT,
    FLARE_DAY_ONE,
    GOAL_TEXT,
    MIND_GOAL_TEXT,
    PRECAUTION_TEXT,
    TemplateWorld,
)

pytestmark = pytest.mark.django_db

# In the future, so the questionnaires start on it (a schedule never starts in the past).
START = timezone.localdate() + datetime.timedelta(days=30)


def new_patient(lead, record_number: str = "TPL-0001") -> Patient:
    return create_patient(
        lead,
        given_name="Robin",
        family_name="Template",
        date_of_birth=datetime.date(1988, 4, 9),
        record_number=record_number,
    )


def start(world: TemplateWorld, patient: Patient | None = None, **options):
    lead = world.team.lead
    options.setdefault("period_start", START)
    return start_plan_from_template(lead, world.template, patient or new_patient(lead), **options)


def template_snapshot(template: PlanTemplate) -> tuple:
    template.refresh_from_db()
    return (
        template.sections.raw_data[:],
        template.precautions.raw_data[:],
        template.questionnaires.raw_data[:],
        template.flare_day_one,
        template.live_revision_id,
        template.revisions.count(),
    )


def test_a_template_is_copied_into_a_new_plan_with_every_item(template_world):
    lead = template_world.team.lead
    started = start(template_world, title="")
    plan = CarePlan.objects.get(pk=started.plan.pk)
    assert plan.title == "Stability first"
    assert plan.status == CarePlanStatus.ACTIVE
    assert plan.period_start == START
    assert plan.conditions == "Hypermobility spectrum disorder"
    assert plan.patient_summary == "Control before range, and even pacing."
    assert plan.flare_day_one == FLARE_DAY_ONE
    assert plan.flare_when_to_call == "Not easing after five days."
    assert plan.memberships.get().user == lead
    assert plan.memberships.get().role == TeamRole.LEAD

    physio = plan.sections.get(discipline=Discipline.PHYSICAL_THERAPY)
    goal = Goal.objects.get(section=physio)
    assert (goal.description, goal.measure, goal.target) == (GOAL_TEXT, "Seconds", "30")
    assert goal.due_date == START + datetime.timedelta(weeks=8)
    activities = list(Activity.objects.filter(section=physio).order_by("sort_order"))
    assert [(a.title, a.do_not_perform) for a in activities] == [
        (ACTIVITY_TEXT, False),
        ("End-range stretching", True),
    ]
    assert activities[0].scheduled_on == START + datetime.timedelta(days=3)
    assert activities[1].scheduled_on is None
    mind = plan.sections.get(discipline=Discipline.MENTAL_HEALTH)
    assert list(Goal.objects.filter(section=mind).values_list("description", flat=True)) == [
        MIND_GOAL_TEXT
    ]
    precaution = Precaution.objects.get(plan=plan)
    assert precaution.description == PRECAUTION_TEXT
    assert precaution.avoid_tag == template_world.stretching

    use = TemplateUse.objects.get(plan=plan)
    assert use.template == template_world.template
    assert use.revision_id == template_world.template.live_revision_id
    assert use.questionnaires_scheduled
    schedules = QuestionnaireSchedule.objects.filter(plan=plan).order_by("instrument")
    assert [(s.instrument, s.every_days, s.starts_on) for s in schedules] == [
        ("odi", 28, START),
        ("peg", 14, START),
    ]
    # Each item is written by careteam's own services: each leaves its 'created' event.
    created = AuditEvent.objects.filter(care_plan_id=plan.pk, action=AuditAction.CREATED)
    # plan, goals, activities, precaution, schedules, the template's use
    assert created.count() == 1 + 2 + 2 + 1 + 2 + 1


def test_the_audit_event_names_the_template_and_its_live_revision(template_world):
    started = start(template_world)
    event = AuditEvent.objects.get(
        care_plan_id=started.plan.pk,
        action=AuditAction.CREATED,
        target_content_type=ContentType.objects.get_for_model(TemplateUse),
    )
    template = template_world.template
    assert event.actor == template_world.team.lead
    assert event.detail["template"] == {
        "id": template.pk,
        "title": template.title,
        "revision": template.live_revision_id,
    }
    assert (event.detail["goals"], event.detail["activities"]) == (2, 2)
    assert event.detail["precautions"] == 1


def test_suggested_reading_waits_for_a_portal_login(template_world):
    started = start(template_world)
    assert started.reading_assigned == ()
    assert {left.reason for left in started.reading_left} == {NO_PORTAL_LOGIN}
    assert not ReadingAssignment.objects.filter(plan=started.plan).exists()
    assert len(TemplateUse.objects.get(plan=started.plan).reading_left) == 2


def test_suggested_reading_is_assigned_unless_the_plans_precautions_rule_it_out(template_world):
    team = template_world.team
    give_login(team.plan, team.lead, "robin.template@example.org")
    started = start(template_world, patient=team.plan.patient)
    assigned = ReadingAssignment.objects.get(plan=started.plan)
    assert assigned.page_id == template_world.safe_page.pk
    assert assigned.note == "Worth a read."
    assert started.reading_assigned == (template_world.safe_page.title,)
    (left,) = started.reading_left
    assert left.page_id == template_world.clashing_page.pk
    assert "Deep stretching" in left.reason


def test_reading_is_not_assigned_on_a_draft_plan(template_world):
    team = template_world.team
    give_login(team.plan, team.lead, "robin.template@example.org")
    started = start(template_world, patient=team.plan.patient, status=CarePlanStatus.DRAFT)
    assert not ReadingAssignment.objects.filter(plan=started.plan).exists()
    assert all("active or on-hold" in left.reason for left in started.reading_left)


def test_editing_the_plan_afterwards_leaves_the_template_unchanged(template_world):
    before = template_snapshot(template_world.template)
    started = start(template_world)
    goal = Goal.objects.get(section__plan=started.plan, description=GOAL_TEXT)
    update_goal(goal, template_world.team.lead, goal.version, description="Plank for a minute")
    assert Goal.objects.get(pk=goal.pk).description == "Plank for a minute"
    assert template_snapshot(template_world.template) == before


def test_editing_the_template_afterwards_leaves_plans_made_from_it_unchanged(template_world):
    first = start(template_world)
    template = template_world.template
    old_revision = template.live_revision_id
    template.flare_day_one = "Rest on the first day."
    template.sections[0].value["goals"][0]["description"] = "A new goal"
    publish_template(template)
    assert template.live_revision_id != old_revision

    plan = CarePlan.objects.get(pk=first.plan.pk)
    assert plan.flare_day_one == FLARE_DAY_ONE
    assert Goal.objects.filter(section__plan=plan, description=GOAL_TEXT).exists()
    assert not Goal.objects.filter(section__plan=plan, description="A new goal").exists()
    # A plan started now gets the new revision, and says so.
    second = start(template_world, patient=first.plan.patient)
    assert second.plan.flare_day_one == "Rest on the first day."
    assert Goal.objects.filter(section__plan=second.plan, description="A new goal").exists()
    assert second.use.revision_id == template.live_revision_id != first.use.revision_id


def test_a_draft_edit_of_a_live_template_is_not_copied(template_world):
    template = template_world.template
    template.flare_day_one = "Not reviewed yet."
    template.save_revision()  # saved as a draft, not published
    started = start(template_world)
    assert started.plan.flare_day_one == FLARE_DAY_ONE
    assert started.use.revision_id == template.live_revision_id


def test_an_unpublished_template_starts_no_plan(template_world):
    template_world.template.unpublish()
    lead = template_world.team.lead
    patient = new_patient(lead)
    with pytest.raises(TemplateNotUsable):
        start_plan_from_template(lead, template_world.template, patient)
    assert not patient.care_plans.exists()


def test_the_copy_is_one_transaction_nothing_is_kept_when_a_step_fails(template_world, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError({"description": "Refused for the test."})

    monkeypatch.setattr(starting_module, "add_precaution", refuse)
    lead = template_world.team.lead
    patient = new_patient(lead)
    with pytest.raises(ValidationError):
        start_plan_from_template(lead, template_world.template, patient)
    assert not CarePlan.objects.filter(patient=patient).exists()
    assert not Goal.objects.filter(section__plan__patient=patient).exists()
    assert not TemplateUse.objects.filter(plan__patient=patient).exists()


@pytest.mark.parametrize("who", ["spare_physician", "physio", "contributor"])
def test_only_a_physician_who_may_start_the_patients_plan_can_use_a_template(template_world, who):
    """The spare physician may start plans but does not care for this patient; the
    therapist and the nurse may start none. Each refusal is recorded and kept."""
    team = template_world.team
    actor = getattr(team, who)
    patient = team.plan.patient
    denials = AuditEvent.objects.filter(actor=actor, action=AuditAction.DENIED)
    with pytest.raises(CareAccessDenied):
        start_plan_from_template(actor, template_world.template, patient)
    assert patient.care_plans.count() == 1
    assert denials.count() == 1


def test_the_lead_of_the_patients_plan_can_use_a_template_for_them(template_world):
    team = template_world.team
    started = start(template_world, patient=team.plan.patient)
    assert started.plan.patient == team.plan.patient
    assert team.plan.patient.care_plans.count() == 2
    denied = AuditEvent.objects.filter(action=AuditAction.DENIED, actor=team.lead)
    assert not denied.filter(detail__permission=PatientAction.START_PLAN).exists()


def test_dates_count_from_today_when_the_plan_has_no_start(template_world):
    started = start(template_world, period_start=None)
    goal = Goal.objects.get(section__plan=started.plan, description=GOAL_TEXT)
    assert goal.due_date == timezone.localdate() + datetime.timedelta(weeks=8)
    assert started.plan.period_start is None


def test_a_mental_health_questionnaire_is_left_for_the_mental_health_professional(
    template_world,
):
    """The lead may not schedule a PHQ-9 (they may not read its results): the copy leaves
    it with the policy's sentence, and schedules the rest."""
    template = template_world.template
    template.questionnaires = [("questionnaire", {"instrument": "phq9", "every_days": 28})]
    publish_template(template)
    started = start(template_world)
    assert not QuestionnaireSchedule.objects.filter(plan=started.plan).exists()
    (left,) = started.questionnaires.left
    assert left["instrument"] == "phq9"
    assert left["reason"] == refusal(PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES)
    assert not TemplateUse.objects.get(plan=started.plan).questionnaires_scheduled


def test_questionnaires_start_today_when_the_plan_started_in_the_past(template_world):
    started = start(template_world, period_start=timezone.localdate() - datetime.timedelta(days=9))
    today = started.plan.patient.today(timezone.now())
    starts = set(
        QuestionnaireSchedule.objects.filter(plan=started.plan).values_list("starts_on", flat=True)
    )
    assert starts == {today}


def test_a_section_for_another_discipline_is_added_to_the_new_plan(template_world):
    template = template_world.template
    nursing = {
        "discipline": Discipline.NURSING,
        "goals": [],
        "activities": [],
        "reading": [],
    }
    template.sections = [*template.sections.raw_data, {"type": "section", "value": nursing}]
    template.sections[2].value["goals"] = [
        {
            "description": "Knows who to call out of hours",
            "measure": "",
            "target": "",
            "due_after_weeks": 1,
            "visible_to_patient": True,
        }
    ]
    publish_template(template)
    started = start(template_world)
    disciplines = list(started.plan.sections.values_list("discipline", flat=True))
    assert disciplines == [
        Discipline.PAIN_MANAGEMENT,
        Discipline.PHYSICAL_THERAPY,
        Discipline.MENTAL_HEALTH,
        Discipline.NURSING,
    ]
    assert Goal.objects.get(section__plan=started.plan, section__discipline=Discipline.NURSING)
