from .assigned_reading import ReadingAssignment
from .checkins import (
    ActivityOutcome,
    ActivityReport,
    AlertOutcome,
    CheckIn,
    OdiResponse,
    RedFlag,
    RedFlagAlert,
)
from .logins import PatientInvitation

__all__ = [
    "ActivityOutcome",
    "ActivityReport",
    "AlertOutcome",
    "CheckIn",
    "OdiResponse",
    "PatientInvitation",
    "ReadingAssignment",
    "RedFlag",
    "RedFlagAlert",
]
