"""What the exercise services raise besides careteam's ``CareAccessDenied`` and
``StaleVersionError``."""

from __future__ import annotations

from patientportal.services.assigned_reading import Conflict, ContraindicationConflict
from patientportal.services.errors import PortalActionError


class ProgrammeError(PortalActionError):
    """A change the programme cannot take (shown to the user as it is)."""


class ExerciseConflict(ContraindicationConflict):
    """The exercise carries a contraindication tag the plan's precautions rule out: the
    same rule, and the same explicit confirmation, as assigned reading."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        names = ", ".join(conflict.tag.name for conflict in conflicts)
        PortalActionError.__init__(
            self,
            f"This exercise involves {names}, which this patient's precautions rule out. "
            "Confirm that you still want to prescribe it.",
        )
