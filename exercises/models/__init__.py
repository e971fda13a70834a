"""The exercise library (kept by editors in Wagtail), the programmes built from it for one
plan (versioned: each change is a new version), and the sessions the patient logs."""

from .library import VIDEO_EXTENSIONS, Difficulty, Exercise, ExerciseImage
from .programmes import DOSING_FIELDS, Programme, ProgrammeItem, ProgrammeVersion
from .sessions import Completion, Effort, ExerciseSession, SessionEntry

__all__ = [
    "DOSING_FIELDS",
    "VIDEO_EXTENSIONS",
    "Completion",
    "Difficulty",
    "Effort",
    "Exercise",
    "ExerciseImage",
    "ExerciseSession",
    "Programme",
    "ProgrammeItem",
    "ProgrammeVersion",
    "SessionEntry",
]
