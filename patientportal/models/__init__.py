from .access import PatientInvitation
from .checkins import ActivityOutcome, ActivityReport, CheckIn, OdiResponse, RedFlag, RedFlagAlert
from .reading import ReadingAssignment

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
