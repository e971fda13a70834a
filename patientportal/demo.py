"""Demo patients for `manage.py seed_demo`: logins for Alex and Sam, linked to the care-team
seeder's patients, with assigned reading, six weeks of check-ins and two ODI scores.

It adds only what is missing: each part is added only if the patient has none of it yet, an
existing login keeps its password, and a patient already linked to a login stays linked. With
``reset`` (after the care-team seeder has rebuilt the patients, and their history with them)
the logins get their demo names and password back. No emails are sent.
"""

from __future__ import annotations

import datetime
from typing import TextIO

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import Page

from careteam.models import Activity, ActivityKind, ActivityStatus, CarePlan, Patient, Procedure
from careteam.services import update_activity
from core.demo_users import demo_user
from questionnaires.instruments import ODI

from .models import (
    ActivityReport,
    CheckIn,
    PatientInvitation,
    ProcedureFollowUp,
    QuestionnaireResult,
    ReadingAssignment,
)
from .services.assigned_reading import (
    ContraindicationConflict,
    assign_reading,
    page_choices,
)
from .services.errors import PortalActionError
from .services.patients import current_exercises, current_plans_for_patient
from .services.procedure_followups import answer_follow_up
from .services.questionnaires import record_questionnaire
from .services.schedules import schedule_questionnaire

ALEX_RECORD = "NB-100234"
SAM_RECORD = "NB-100871"

# Six weeks, three check-ins a week: pain easing from about 7 to about 4, with a flare in
# week four (as real recoveries go).
ALEX_PAIN = [7, 7, 6, 7, 6, 6, 6, 5, 6, 5, 5, 7, 6, 5, 5, 4, 5, 4]
ALEX_NOTES = {
    2: "Sitting at work was hard this week.",
    11: "Flare after carrying shopping. Used my flare plan.",
    17: "Walked 25 minutes without a flare!",
}
# (days ago, answers): scored 51 at the start, 38 a month later (one section skipped).
ALEX_ODI = [
    (42, [3, 2, 3, 2, 3, 2, 2, None, 3, 3]),
    (12, [2, 1, 3, 2, 2, 2, 1, None, 2, 2]),
]
# Alex's injection, done three weeks ago: (day after it, pain, relief %) as Alex answered.
ALEX_INJECTION_DAYS_AGO = 21
ALEX_RELIEF = [(0, 3, 70), (14, 4, 55)]
# The questionnaires Alex's team asks for: (who schedules, instrument, every so many days).
DEMO_SCHEDULES = [("dr.lee", "peg", 7), ("mh.rivera", "phq9", 14)]
# Reading for Alex: (slug, assigned by, days ago, note, read days ago, helpful, feedback).
ALEX_READING = [
    (
        "hypermobile-lower-back-pain",
        "dr.lee",
        40,
        "The big picture of why your back hurts and what the plan is doing about it.",
        38,
        True,
        "It made sense of why stretching made things worse.",
    ),
    (
        "stability-training-at-home",
        "pt.morgan",
        35,
        "Read this before our next session; we will go through the first three exercises.",
        33,
        True,
        "",
    ),
    (
        "pacing-and-the-boom-bust-cycle",
        "mh.rivera",
        20,
        "Ties in with the activity diary we started.",
        18,
        False,
        "I already knew most of this.",
    ),
    (
        "sleep-and-flares",
        "mh.rivera",
        5,
        "Some ideas for the bad nights you mentioned.",
        None,
        None,
        "",
    ),
]


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _ensure_login(patient: Patient, username: str, invited_by, *, reset: bool):
    """The patient's demo login: linked if the patient has none (or on reset)."""
    user, _ = demo_user(
        username,
        first_name=patient.given_name,
        last_name=patient.family_name,
        email=patient.email or None,
        reset=reset,
    )
    if patient.user_id is None or (reset and patient.user_id != user.pk):
        Patient.objects.filter(user=user).exclude(pk=patient.pk).update(user=None)
        patient.user = user
        patient.save(update_fields=["user", "updated_at"])
    if not PatientInvitation.objects.filter(patient=patient, accepted_at__isnull=False).exists():
        PatientInvitation.objects.create(
            patient=patient, user=user, invited_by=invited_by, accepted_at=timezone.now()
        )
    return user


def _days_ago(days: int, hour: int = 19) -> datetime.datetime:
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=15, second=0, microsecond=0)


def _seed_reading(plan: CarePlan) -> int:
    if plan.reading_assignments.exists():
        return 0
    created = 0
    for slug, username, assigned, note, read, helpful, feedback in ALEX_READING:
        page = Page.objects.filter(slug=slug).first()
        actor = _user(username)
        if page is None or actor is None:
            continue
        try:
            assignment = assign_reading(plan, actor, page, note=note, notify=False)
        except PortalActionError:
            continue
        ReadingAssignment.objects.filter(pk=assignment.pk).update(
            assigned_at=_days_ago(assigned, 10),
            due_date=(timezone.localdate() + datetime.timedelta(days=9)) if read is None else None,
            read_at=_days_ago(read, 21) if read is not None else None,
            helpful=helpful,
            feedback=feedback,
            feedback_at=_days_ago(read, 21) if helpful is not None else None,
        )
        created += 1
    # One page that clashes with a precaution, assigned on purpose after the warning.
    clashing = next(
        (
            choice.page
            for choice in page_choices(plan)
            if choice.conflicts and not choice.review_expired
        ),
        None,
    )
    lead = _user("dr.lee")
    if clashing is not None and lead is not None:
        note = (
            "Parts of this page go beyond your precautions: read it for the habits, and skip "
            "anything involving the movements we asked you to avoid."
        )
        try:
            assign_reading(plan, lead, clashing, note=note, notify=False)
        except ContraindicationConflict:
            assign_reading(plan, lead, clashing, note=note, confirm_conflicts=True, notify=False)
        except PortalActionError:
            return created
        created += 1
    return created


def _seed_check_ins(patient: Patient, pains: list[int], notes: dict[int, str]) -> int:
    if patient.check_ins.exists():
        return 0
    exercises = list(current_exercises(patient))
    plans = list(current_plans_for_patient(patient))
    total = len(pains)
    for index, pain in enumerate(pains):
        days_ago = (total - index) * 14 // 6  # about three a week over six weeks
        check_in = CheckIn.objects.create(
            patient=patient,
            recorded_at=_days_ago(days_ago),
            pain_score=pain,
            note=notes.get(index, ""),
        )
        check_in.plans.set(plans)
        outcomes = ("done", "partly", "done", "not_done") if pain >= 7 else ("done",)
        ActivityReport.objects.bulk_create(
            ActivityReport(
                check_in=check_in,
                activity=activity,
                outcome=outcomes[(index + number) % len(outcomes)],
            )
            for number, activity in enumerate(exercises)
        )
    return total


def _seed_odi(patient: Patient) -> int:
    """Alex's ODI results, answered through the service (as their login, as on the page),
    then dated back."""
    if patient.questionnaire_results.filter(instrument=ODI.code).exists():
        return 0
    for days, values in ALEX_ODI:
        recorded = record_questionnaire(
            patient, patient.user, ODI, dict(zip(ODI.item_keys, values, strict=True))
        )
        QuestionnaireResult.objects.filter(pk=recorded.stored.pk).update(
            completed_at=_days_ago(days, 20)
        )
    return len(ALEX_ODI)


def _seed_procedure(plan: CarePlan, lead, patient: Patient) -> int:
    """Alex's scheduled injection marked done three weeks ago by the lead (which asks the
    follow-ups), and the same-day and 2-week answers given, dated back. Only while the plan
    has no follow-ups and the injection is not marked done."""
    if lead is None or patient.user is None or plan.procedure_follow_ups.exists():
        return 0
    injection = (
        Activity.objects.filter(
            section__plan=plan, kind=ActivityKind.PROCEDURE, done_on__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if injection is None:
        return 0
    done_on = timezone.localdate() - datetime.timedelta(days=ALEX_INJECTION_DAYS_AGO)
    update_activity(
        injection,
        lead,
        injection.version,
        procedure=injection.procedure or Procedure.EPIDURAL_STEROID_INJECTION,
        status=ActivityStatus.COMPLETED,
        scheduled_on=done_on,
        done_on=done_on,
    )
    rows = {row.day_offset: row for row in ProcedureFollowUp.objects.filter(activity=injection)}
    answered = 0
    for day, pain, relief in ALEX_RELIEF:
        row = rows.get(day)
        if row is None:
            continue
        answer_follow_up(
            row,
            patient.user,
            pain=pain,
            relief_percent=relief,
            at=_days_ago(ALEX_INJECTION_DAYS_AGO - day, 18),
        )
        answered += 1
    return answered


def _seed_schedules(plan: CarePlan) -> int:
    """Alex's questionnaires asked by the team from today, so the to-do list has them due:
    the PEG every week (the lead) and the PHQ-9 every two weeks (the mental-health
    professional, who may read its results). Only while the plan has no schedules."""
    if plan.questionnaire_schedules.exists():
        return 0
    added = 0
    for username, code, every_days in DEMO_SCHEDULES:
        member = _user(username)
        if member is not None:
            schedule_questionnaire(member, plan, code, every_days=every_days)
            added += 1
    return added


def seed_patients(stdout: TextIO, *, reset: bool = False) -> list[tuple[str, str]]:
    logins = []
    lead = _user("dr.lee")
    alex = Patient.objects.filter(record_number=ALEX_RECORD).first()
    if alex is not None:
        _ensure_login(alex, "alex", lead, reset=reset)
        plan = current_plans_for_patient(alex).first()
        reading = _seed_reading(plan) if plan is not None else 0
        check_ins = _seed_check_ins(alex, ALEX_PAIN, ALEX_NOTES)
        odi = _seed_odi(alex)
        relief = _seed_procedure(plan, lead, alex) if plan is not None else 0
        scheduled = _seed_schedules(plan) if plan is not None else 0
        stdout.write(
            f"Patient Alex: {reading} reading assignments, {check_ins} check-ins, "
            f"{odi} ODI scores, {relief} procedure follow-up answers, {scheduled} "
            "questionnaire schedules added (any already there kept as they are).\n"
        )
        logins.append(("alex", "Patient Alex Rivera-Kim: plan, reading, check-ins, ODI"))
    sam = Patient.objects.filter(record_number=SAM_RECORD).first()
    if sam is not None:
        _ensure_login(sam, "sam", lead, reset=reset)
        check_ins = _seed_check_ins(sam, [5, 6, 5, 4], {})
        stdout.write(f"Patient Sam: {check_ins} check-ins added (any already there kept).\n")
        logins.append(("sam", "Patient Sam Ortiz: plan and a few check-ins"))
    if not logins:
        stdout.write("Patient logins skipped: the care-team demo patients are missing.\n")
    return logins
