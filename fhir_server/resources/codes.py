"""Code systems, codes and value sets the FHIR resources use, in one place.

Our models already store FHIR R4's own status codes (``CarePlanStatus``,
``GoalLifecycleStatus``, ``GoalAchievementStatus``, ``ActivityStatus``), so those map one
to one; this module adds the external terminologies (LOINC, SNOMED CT, UCUM, HL7's code
systems) and the clinic's own local code systems. ``coding(...)`` and ``concept(...)`` build
the JSON shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from careteam.models import CarePlanStatus, Discipline, TeamRole

# The clinic's own namespace for identifiers and local code systems (not a real domain).
CLINIC_BASE = "https://clinic-portal.example/fhir"
MRN_SYSTEM = f"{CLINIC_BASE}/sid/mrn"
ACTIVITY_KIND_SYSTEM = f"{CLINIC_BASE}/CodeSystem/activity-kind"
DISCIPLINE_SYSTEM = f"{CLINIC_BASE}/CodeSystem/discipline"
# On ``CarePlan.activity.detail``: the discipline whose section of the plan holds the
# activity (a ``valueCoding`` of ``DISCIPLINE_SYSTEM``), which FHIR has no element for.
SECTION_EXTENSION = f"{CLINIC_BASE}/StructureDefinition/plan-section"
TEAM_ROLE_SYSTEM = f"{CLINIC_BASE}/CodeSystem/team-role"
# Our paraphrase of each questionnaire (questionnaires.instruments, by code): canonicals of
# our own, not served here. The ODI's is the one it was exported under before the others.
QUESTIONNAIRES: dict[str, str] = {
    "phq9": f"{CLINIC_BASE}/Questionnaire/phq-9",
    "gad7": f"{CLINIC_BASE}/Questionnaire/gad-7",
    "peg": f"{CLINIC_BASE}/Questionnaire/peg",
    "psfs": f"{CLINIC_BASE}/Questionnaire/psfs",
    "odi": f"{CLINIC_BASE}/Questionnaire/odi-2.1a",
}

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
GOAL_ACHIEVEMENT = "http://terminology.hl7.org/CodeSystem/goal-achievement"
GOAL_CATEGORY = "http://terminology.hl7.org/CodeSystem/goal-category"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# HL7's security labels (v3 ObservationValue): what a resource had taken out of it.
SECURITY_OBSERVATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"


@dataclass(frozen=True)
class Code:
    system: str
    code: str
    display: str

    def coding(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}

    def concept(self, text: str = "") -> dict[str, Any]:
        value: dict[str, Any] = {"coding": [self.coding()]}
        if text:
            value["text"] = text
        return value


# LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" (loinc.org).
PAIN_SEVERITY = Code(
    LOINC, "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
)
# A questionnaire's total is coded with the LOINC code its instrument names
# (``Instrument.total_code``, e.g. 97909-6 for the ODI, 44261-6 for the PHQ-9).
SURVEY = Code(OBSERVATION_CATEGORY, "survey", "Survey")
PERCENT_UNIT = {"unit": "%", "system": UCUM, "code": "%"}
# UCUM's annotation for a unitless score, as LOINC's questionnaire totals use it.
SCORE_UNIT = {"unit": "{score}", "system": UCUM, "code": "{score}"}
# A mental-health questionnaire's total and answers left out for a reader who may not see
# them: the Observation's value is absent for this reason, and both resources carry the label.
MASKED = Code(DATA_ABSENT_REASON, "masked", "Masked")
REDACTED = Code(SECURITY_OBSERVATION, "REDACTED", "redacted")

# Care-team roles as SNOMED CT occupations (descendants of 223366009 "Healthcare
# professional", the R4 participant-role value set's root). Sources: 36682004
# "Physiotherapist (occupation)" and 59944000 "Psychologist (occupation)" as used in HL7
# implementation guides and published concept maps; 309343006 "Physician (occupation)" as
# in many FHIR examples. SNOMED has no occupation concept we could confirm for a
# pain-management physician, so the lead is coded as a physician (with our own role code
# beside it), and the mental-health professional as a psychologist, the nearest concept we
# could confirm: neither is more specific than that.
PHYSICIAN = Code(SNOMED, "309343006", "Physician")
PHYSIOTHERAPIST = Code(SNOMED, "36682004", "Physiotherapist")
PSYCHOLOGIST = Code(SNOMED, "59944000", "Psychologist")

DISCIPLINE_OCCUPATIONS: dict[str, Code] = {
    Discipline.PAIN_MANAGEMENT: PHYSICIAN,
    Discipline.PHYSICAL_THERAPY: PHYSIOTHERAPIST,
    Discipline.MENTAL_HEALTH: PSYCHOLOGIST,
}
ROLE_OCCUPATIONS: dict[str, Code] = {
    TeamRole.LEAD: PHYSICIAN,
    TeamRole.PHYSICAL_THERAPY: PHYSIOTHERAPIST,
    TeamRole.MENTAL_HEALTH: PSYCHOLOGIST,
}

# Goal.category (example binding): HL7's goal-category codes where one fits the section.
DISCIPLINE_GOAL_CATEGORIES: dict[str, Code] = {
    Discipline.PHYSICAL_THERAPY: Code(GOAL_CATEGORY, "physiotherapy", "Physiotherapy"),
    Discipline.MENTAL_HEALTH: Code(GOAL_CATEGORY, "behavioral", "Behavioral"),
    Discipline.NURSING: Code(GOAL_CATEGORY, "nursing", "Nursing"),
}

# CareTeam.status (care-team-status, required) from the plan's status: a draft plan's team
# is proposed, an on-hold plan's suspended, a finished or withdrawn plan's inactive.
CARE_TEAM_STATUS: dict[str, str] = {
    CarePlanStatus.DRAFT: "proposed",
    CarePlanStatus.ACTIVE: "active",
    CarePlanStatus.ON_HOLD: "suspended",
    CarePlanStatus.COMPLETED: "inactive",
    CarePlanStatus.REVOKED: "inactive",
}


def local(system: str, code: str, display: str) -> dict[str, str]:
    """A coding in one of the clinic's own code systems."""
    return Code(system, code, display).coding()


# Read back by the import (``fhir_server.importing``): the required value sets of the
# elements it reads, and our goal categories by code.
CAREPLAN_STATUSES = frozenset(  # request-status (CarePlan.status, required)
    {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
)
CAREPLAN_INTENTS = frozenset({"proposal", "plan", "order", "option"})  # care-plan-intent
GOAL_CATEGORY_DISCIPLINES: dict[str, str] = {
    category.code: discipline for discipline, category in DISCIPLINE_GOAL_CATEGORIES.items()
}
