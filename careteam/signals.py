"""What careteam tells apps above it (which it may not import) about its changes.

``procedure_done``: a procedure's "done" state changed. Sent by the activity services
(``services.sections``) inside the change's transaction, so whatever a receiver writes is
committed, or undone, with the change itself. Keyword arguments:

- ``activity``: the ``Activity`` as it now is (about to be deleted, for a deletion); whether
  the patient sees it is ``activity.patient_sees``;
- ``done_on``: the day it was done, or None once it is no longer a done procedure
  (reopened, its day or its procedure cleared, or deleted);
- ``actor``: who made the change.

Sent when a procedure is created done, marked done, its day or its procedure changed,
shown to or hidden from the patient while done, reopened or deleted; not for other edits.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.dispatch import Signal

from .models import Activity, ActivityKind, ActivityStatus

procedure_done = Signal()


class DoneProcedure(NamedTuple):
    """What a receiver of ``procedure_done`` keys on: the procedure, the day it was done,
    and whether the patient sees it (``Activity.patient_sees``)."""

    procedure: str
    done_on: datetime.date
    patient_sees: bool


def done_procedure(activity: Activity) -> DoneProcedure | None:
    """Which procedure the activity is, the day it was done and whether the patient sees
    it, if it is a procedure marked done (completed, with its day); else None."""
    if (
        activity.kind == ActivityKind.PROCEDURE
        and activity.procedure
        and activity.status == ActivityStatus.COMPLETED
        and activity.done_on is not None
    ):
        return DoneProcedure(activity.procedure, activity.done_on, activity.patient_sees)
    return None


def announce_procedure(
    activity: Activity, actor, before: DoneProcedure | None, *, deleted: bool = False
) -> None:
    """Send ``procedure_done`` if the activity's done state differs from ``before`` (or,
    for a deletion, if it was a procedure at all: follow-ups may hang on it)."""
    after = None if deleted else done_procedure(activity)
    if deleted:
        if activity.kind != ActivityKind.PROCEDURE:
            return
    elif after == before:
        return
    procedure_done.send(
        sender=Activity,
        activity=activity,
        done_on=after.done_on if after else None,
        actor=actor,
    )
