from .assigned_reading import ReadingAssignment
from .checkins import (
    ActivityOutcome,
    ActivityReport,
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
    "AlertOutcome",
    "CheckIn",
    "Flare",
    "PatientInvitation",
    "QuestionnaireResult",
    "ReadingAssignment",
    "RedFlag",
    "RedFlagAlert",
]
