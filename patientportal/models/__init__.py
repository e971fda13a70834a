from .assigned_reading import ReadingAssignment
from .checkins import ActivityOutcome, ActivityReport, CheckIn, OdiResponse, RedFlag, RedFlagAlert
from .logins import PatientInvitation

__all__ = [
    "ActivityOutcome",
    "ActivityReport",
    "CheckIn",
    "OdiResponse",
    "PatientInvitation",
    "ReadingAssignment",
    "RedFlag",
    "RedFlagAlert",
]
