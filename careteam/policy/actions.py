"""Every action the policy decides, at its level, and the one sentence a refused user reads.

The sentences live here and nowhere else (views and services read them through
``refusal``); which roles may take a plan action is in ``careteam.policy.plan``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .. import grants


class PlanAction(StrEnum):
    """What a member may do to one plan. The value is the name refusals are audited as."""

    VIEW = "view_careplan"
    EDIT_PLAN = "change_careplan"
    EDIT_PRECAUTIONS = "edit_precautions"
    EDIT_SECTION = "edit_section"
    ADD_TEAM_NOTE = "add_teamnote"
    PRIVATE_NOTES = "access_private_notes"
    # The totals and item answers of mental-health questionnaires (PHQ-9, GAD-7); a member
    # without it sees that one was done, when, and its band.
    VIEW_MENTAL_HEALTH_RESULTS = "view_mental_health_results"
    MANAGE_TEAM = "manage_team"
    HAND_OVER_LEAD = "hand_over_lead"
    VIEW_AUDIT_TRAIL = "view_audit_trail"
    ASSIGN_READING = "assign_reading"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"
    # The home exercise programme (exercises/): the physical therapy section's work, so
    # the lead's and the physical therapist's (``PHYSICAL_THERAPY_ACTIONS`` in ``plan``).
    PRESCRIBE_EXERCISES = "prescribe_exercises"
    # Which questionnaires the patient is asked to answer, and how often.
    SCHEDULE_QUESTIONNAIRES = "schedule_questionnaires"
    # Scheduling (changing, stopping) a mental-health questionnaire (PHQ-9, GAD-7): only
    # those who may read its results (the grant of ``VIEW_MENTAL_HEALTH_RESULTS``).
    SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES = "schedule_mental_health_questionnaires"
    # Secure messages with the patient (``messaging``): reading and writing the plan's
    # threads to the whole team, and the threads to the mental-health professional only.
    READ_MESSAGES = "read_messages"
    SEND_MESSAGES = "send_messages"
    MENTAL_HEALTH_THREADS = "mental_health_threads"


class PatientAction(StrEnum):
    """What a provider may do to a patient across their plans."""

    START_PLAN = "start_plan"
    CHANGE_PATIENT_DETAILS = "change_patient_details"
    INVITE_PATIENT = "invite_patient"
    SWITCH_OFF_PORTAL_ACCESS = "switch_off_portal_access"


class ClinicAction(StrEnum):
    """What a user may do in the clinic, before any patient or plan is in question."""

    OPEN_PROVIDER_PAGES = "open_provider_pages"
    REGISTER_PATIENTS = "register_patients"
    BREAK_THE_GLASS = "break_the_glass"
    VIEW_CLINIC_ALERTS = "view_clinic_alerts"


class EmergencyAction(StrEnum):
    """What may be done with an emergency grant once it exists, and the one thing it does
    not allow: anything but reading (``READ_ONLY``: the name its refusals are audited as)."""

    END = "end_emergency_access"
    REVIEW = "review_emergency_access"
    READ_ONLY = "emergency_read_only"


REGISTER_PATIENTS = ClinicAction.REGISTER_PATIENTS


@dataclass(frozen=True)
class Rule:
    """The grant an action needs, and the sentence a member without it reads."""

    grant: str
    refusal: str


# Each plan action: the grant it needs and the sentence a refused member reads.
PLAN_RULES: dict[PlanAction, Rule] = {
    PlanAction.VIEW: Rule(grants.VIEW, "You do not have access to this."),
    PlanAction.EDIT_PLAN: Rule(
        grants.CHANGE, "Only the team lead can edit the plan's summary, status and dates."
    ),
    PlanAction.EDIT_PRECAUTIONS: Rule(
        grants.CHANGE, "Only the team lead can change the plan's precautions."
    ),
    # The lead's grant; discipline-bound roles pass through ROLE_SECTION_DISCIPLINE.
    PlanAction.EDIT_SECTION: Rule(
        grants.EDIT_ALL_SECTIONS,
        "Your role on this team lets you edit goals and activities only in your own "
        "discipline's section.",
    ),
    PlanAction.ADD_TEAM_NOTE: Rule(
        grants.ADD_TEAM_NOTE, "Your role on this team cannot add team notes."
    ),
    PlanAction.PRIVATE_NOTES: Rule(
        grants.ACCESS_PRIVATE_NOTES,
        "Psychotherapy notes are visible only to the mental-health members of this team.",
    ),
    # For now the grant of the psychotherapy notes: the mental-health members only.
    PlanAction.VIEW_MENTAL_HEALTH_RESULTS: Rule(
        grants.ACCESS_PRIVATE_NOTES,
        "Mental-health questionnaire scores and answers are shown only to the mental-health "
        "members of this team.",
    ),
    PlanAction.MANAGE_TEAM: Rule(
        grants.MANAGE_TEAM, "Only the team lead can change who is on the team."
    ),
    PlanAction.HAND_OVER_LEAD: Rule(
        grants.MANAGE_TEAM, "Only the team lead can hand over the lead."
    ),
    PlanAction.VIEW_AUDIT_TRAIL: Rule(
        grants.VIEW_AUDIT_TRAIL, "Only the team lead can read the plan's audit trail."
    ),
    PlanAction.ASSIGN_READING: Rule(
        grants.VIEW, "Only members of this patient's care team can assign reading."
    ),
    PlanAction.ACKNOWLEDGE_ALERT: Rule(
        grants.VIEW, "Only members of this patient's care team can acknowledge an alert."
    ),
    PlanAction.SCHEDULE_QUESTIONNAIRES: Rule(
        grants.VIEW, "Only members of this patient's care team can schedule questionnaires."
    ),
    # The grant of VIEW_MENTAL_HEALTH_RESULTS: who may read the results may ask for them.
    PlanAction.SCHEDULE_MENTAL_HEALTH_QUESTIONNAIRES: Rule(
        grants.ACCESS_PRIVATE_NOTES,
        "Mood and anxiety questionnaires are scheduled only by the members of this team who "
        "may read their results.",
    ),
    # The lead's grant; the physical therapist passes through PHYSICAL_THERAPY_ACTIONS.
    PlanAction.PRESCRIBE_EXERCISES: Rule(
        grants.EDIT_ALL_SECTIONS,
        "Only the team lead and the physical therapist can change the home exercise programme.",
    ),
    PlanAction.READ_MESSAGES: Rule(
        grants.VIEW, "Only members of this patient's care team can read their messages."
    ),
    PlanAction.SEND_MESSAGES: Rule(
        grants.ADD_TEAM_NOTE, "Your role on this team cannot write to the patient."
    ),
    # The grant of the psychotherapy notes: the mental-health members only, not the lead.
    PlanAction.MENTAL_HEALTH_THREADS: Rule(
        grants.ACCESS_PRIVATE_NOTES,
        "Messages to the mental-health professional are visible only to the mental-health "
        "members of this team.",
    ),
}

_REFUSALS: dict[str, str] = {
    PatientAction.START_PLAN: (
        "No patient whose care you lead has this record number. Register a new patient, "
        "or ask the patient's lead physician to start the plan or hand it to you."
    ),
    PatientAction.CHANGE_PATIENT_DETAILS: (
        "Only the lead physician of one of this patient's open care plans can change their details."
    ),
    PatientAction.INVITE_PATIENT: (
        "Only the lead physician of one of this patient's open care plans can invite the "
        "patient to the portal."
    ),
    PatientAction.SWITCH_OFF_PORTAL_ACCESS: (
        "Only the lead physician of one of this patient's open care plans can switch off "
        "the patient's portal access."
    ),
    ClinicAction.OPEN_PROVIDER_PAGES: "These pages are for the clinic's providers.",
    ClinicAction.REGISTER_PATIENTS: (
        "Only pain-management physicians can register patients and start care plans."
    ),
    ClinicAction.BREAK_THE_GLASS: (
        "Emergency access is for pain-management physicians, to an open care plan whose "
        "team they are not on."
    ),
    ClinicAction.VIEW_CLINIC_ALERTS: (
        "The clinic's list of red-flag alerts is for the providers on call. Your own "
        "teams' alerts are on your dashboard."
    ),
    EmergencyAction.READ_ONLY: (
        "Emergency access lets you read this plan and its history, and nothing more."
    ),
    EmergencyAction.END: (
        "Only the plan's lead physician or the physician who opened it can end an emergency access."
    ),
    EmergencyAction.REVIEW: (
        "An emergency access is reviewed by the plan's lead physician, the physician who "
        "opened it and the clinic's privacy officers."
    ),
}


def refusal(action: str) -> str:
    """The one sentence a user refused ``action`` reads (if they may see the plan)."""
    if action in PLAN_RULES:
        return PLAN_RULES[PlanAction(action)].refusal
    return _REFUSALS[action]
