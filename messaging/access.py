"""Who may read and write which threads of a plan: the policy's answers, asked afresh on every
request and again under a lock before every message is stored, never kept.

- A member of the plan's team reads the threads to the whole team with
  ``PlanAction.READ_MESSAGES`` and writes in them with ``SEND_MESSAGES``; a thread to the
  mental-health professional needs ``MENTAL_HEALTH_THREADS`` too (the mental-health
  members only, like the psychotherapy notes). Leaving the team revokes the grants, so
  access ends with the next request.
- An emergency access reads the threads to the whole team and writes nothing.
- The patient reads every thread of their own plan (``is_patient_of``) while the plan is
  shown to them, and writes while it is current (active or on hold).
"""

from __future__ import annotations

from dataclasses import dataclass

from careteam.models import CarePlan
from careteam.policy import Actor, PlanAction, Rights, is_patient_of, rights_on
from patientportal.services.patients import (
    CURRENT_PLAN_STATUSES,
    PATIENT_VISIBLE_PLAN_STATUSES,
)

from .models import Audience


@dataclass(frozen=True)
class MessageRights:
    """One user's rights on one plan's threads, as read for this request."""

    read_team: bool = False
    read_mental_health: bool = False
    send: bool = False
    as_patient: bool = False

    @property
    def any(self) -> bool:
        return self.read_team or self.read_mental_health

    def may_read(self, audience: str) -> bool:
        if audience == Audience.MENTAL_HEALTH:
            return self.read_mental_health
        return self.read_team

    def may_send(self, audience: str) -> bool:
        return self.send and self.may_read(audience)

    def readable_audiences(self) -> list[str]:
        return [value for value in Audience.values if self.may_read(value)]


def from_plan_rights(rights: Rights) -> MessageRights:
    """A team member's (or an emergency reader's) rights on the threads."""
    mental_health = rights.allows(PlanAction.MENTAL_HEALTH_THREADS)
    read = rights.allows(PlanAction.READ_MESSAGES)
    return MessageRights(
        read_team=read,
        read_mental_health=read and mental_health,
        send=rights.allows(PlanAction.SEND_MESSAGES),
    )


def for_patient(plan: CarePlan) -> MessageRights:
    """The plan's own patient's rights on its threads."""
    shown = plan.status in PATIENT_VISIBLE_PLAN_STATUSES
    return MessageRights(
        read_team=shown,
        read_mental_health=shown,
        send=plan.status in CURRENT_PLAN_STATUSES,
        as_patient=True,
    )


def message_rights(user: Actor, plan: CarePlan, *, lock: bool = False) -> MessageRights:
    """``user``'s rights on ``plan``'s threads now. With ``lock``, inside a transaction,
    their membership row stays locked until it ends (``rights_on``), so a removal from the
    team cannot slip between this check and the write."""
    if is_patient_of(user, plan):
        return for_patient(plan)
    return from_plan_rights(rights_on(user, plan, lock=lock))
