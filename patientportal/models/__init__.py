from .assigned_reading import ReadingAssignment
from .checkins import (
    SELF_HARM_IN_MESSAGE,
    URGENT_KINDS,
    ActivityOutcome,
    ActivityReport,
    AlertKind,
    AlertOutcome,
    CheckIn,
    RedFlag,
    RedFlagAlert,
)
from .flares import Flare
from .logins import PatientInvitation
from .procedure_followups import ProcedureFollowUp
from .questionnaires import QuestionnaireResult
from .reminders import ReminderPreference, ReminderSent
from .schedules import QuestionnaireSchedule

__all__ = [
    "ActivityOutcome",
    "ActivityReport",
    "AlertKind",
    "AlertOutcome",
    "CheckIn",
    "Flare",
    "PatientInvitation",
    "ProcedureFollowUp",
    "QuestionnaireResult",
    "QuestionnaireSchedule",
    "ReadingAssignment",
    "RedFlag",
    "RedFlagAlert",
    "ReminderPreference",
    "ReminderSent",
    "SELF_HARM_IN_MESSAGE",
    "URGENT_KINDS",
]
