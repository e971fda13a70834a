"""One-time submission keys: a retried form never stores twice.

Each patient-portal form that creates something (a check-in, a questionnaire, an
invitation, a reading assignment) carries a hidden key made when the form was drawn
(``patientportal.forms.OneTimeKeyForm``). The row it creates keeps the key and a digest of
what was sent (``models.submissions.SubmittedOnce``), and the key is unique per patient or
plan in the database. So:

- the same submission sent again (a double click, a refresh, a retry after an error) finds
  the row stored the first time and gets the same outcome: no second row, alert or email;
- two copies racing past the look-up meet the unique constraint, and the loser then finds
  the winner's row (``store_once``);
- the same key with other answers is refused (``SubmissionConflict``, answered 409, and
  recorded): the form was reused, not retried, and must be sent again with a new key.

A submission without a key (an old page, a service called from code) is stored as before.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.db.models import QuerySet

from audit.models import AuditAction
from audit.services import record_event

from ..models.submissions import SubmittedOnce
from .errors import PortalActionError

Row = TypeVar("Row", bound=SubmittedOnce)


class SubmissionConflict(PortalActionError):
    """The form's one-time key was already used for other answers (answer 409)."""


@dataclass(frozen=True)
class Submission:
    key: uuid.UUID | None
    digest: str

    @classmethod
    def of(cls, key: uuid.UUID | None, answers: Mapping[str, Any]) -> Submission:
        """``answers``: what the service will store, normalised (stripped, sorted)."""
        text = json.dumps(answers, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder)
        return cls(key, hashlib.sha256(text.encode()).hexdigest())

    def fields(self) -> dict[str, Any]:
        """The ``SubmittedOnce`` columns of the row this submission creates."""
        return {
            "submission_key": self.key,
            "submission_digest": self.digest if self.key is not None else "",
        }


def stored_earlier(
    rows: QuerySet[Row], submission: Submission, actor, *, plan: Any = None, patient: Any = None
) -> Row | None:
    """The row among ``rows`` (one patient's or plan's) this very submission stored before,
    if any; raises ``SubmissionConflict`` (recorded) when its key came with other answers."""
    if submission.key is None:
        return None
    earlier = rows.filter(submission_key=submission.key).first()
    if earlier is None or earlier.submission_digest == submission.digest:
        return earlier
    record_event(
        actor,
        AuditAction.DENIED,
        earlier,
        plan=plan,
        patient=patient,
        detail={"reason": "form key already used with other answers"},
    )
    raise SubmissionConflict(
        "This form was already sent, with other answers: what you sent this time was not "
        "saved. To save it as well, send the form again."
    )


def store_once(
    rows: QuerySet[Row],
    submission: Submission,
    actor,
    store: Callable[[], Row],
    *,
    plan: Any = None,
    patient: Any = None,
) -> Row:
    """The row ``store()`` creates (in its own transaction), or the one this submission
    stored before. ``rows``: where the key is unique (``plan`` / ``patient``: for the record
    of a refused reuse)."""
    earlier = stored_earlier(rows, submission, actor, plan=plan, patient=patient)
    if earlier is not None:
        return earlier
    try:
        return store()
    except IntegrityError:
        # A copy of this submission sent at the same moment got there first; anything else
        # that broke a constraint is still an error.
        earlier = stored_earlier(rows, submission, actor, plan=plan, patient=patient)
        if earlier is None:
            raise
        return earlier
