from .assigned_reading import ReadingAssignment
from .checkins import (
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
from .questionnaires import QuestionnaireResult

__all__ = [
    "ActivityOutcome",
    "ActivityReport",
    "AlertKind",
    "AlertOutcome",
    "CheckIn",
    "Flare",
    "PatientInvitation",
    "QuestionnaireResult",
    "ReadingAssignment",
    "RedFlag",
    "RedFlagAlert",
    "URGENT_KINDS",
]
