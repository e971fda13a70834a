"""Whose records an API caller may read, decided as the site's pages decide it. How to use:

    reader = reader_for(request.user)
    plans = readable_plans(reader)                  # a queryset, for lists
    plan = readable_plan(reader, plan_id)           # or CareAccessDenied (404), audited
    record_read(reader, plan, what="api plan")      # once per answered read
    sees_mental_health_results(reader, plan)        # PHQ-9 and GAD-7 totals and answers

A provider reads through ``careteam.policy`` (their role on each plan's team, and an
emergency access); a patient reads only their own plans, the ones /my/ shows, and only what
the team marked for them (``Goal.patient_sees``, ``Activity.patient_sees``). Anyone else
reads nothing. A list is audited as ONE event naming the plans it listed
(``audit.models.API_LISTING``), as the dashboard is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.db.models import QuerySet

from audit.models import API_LISTING, AuditAction
from audit.services import record_event, record_view
from careteam.models import Activity, CarePlan, Goal, Patient, Precaution
from careteam.policy import PlanAction, may, plans_where
from careteam.services import deny, get_plan_for_user, record_plan_view
from patientportal.services.patients import (
    patient_for_user,
    plans_for_patient,
    precautions,
    visible_activities,
    visible_goals,
)

User = AbstractBaseUser | AnonymousUser

PATIENT_READS = (
    "Your care team changes your plan; you can read it, check in and answer questionnaires."
)
TEAM_ONLY = "This is for your care team. Your plan, reading and check-ins are yours to read."


@dataclass(frozen=True)
class Reader:
    user: Any  # the authenticated caller
    patient: Patient | None  # set when the caller is a patient reading their own record

    @property
    def is_patient(self) -> bool:
        return self.patient is not None


def reader_for(user: User) -> Reader:
    return Reader(user, patient_for_user(user))


def readable_plans(reader: Reader) -> QuerySet[CarePlan]:
    if reader.patient is not None:
        return plans_for_patient(reader.patient).select_related("patient")
    return plans_where(reader.user).select_related("patient").order_by("-updated_at", "-pk")


def readable_plan(reader: Reader, plan_id: Any, action: PlanAction = PlanAction.VIEW) -> CarePlan:
    """The plan if the caller may take ``action`` on it (a patient: read their own plan);
    else ``CareAccessDenied`` (404), recorded."""
    if reader.patient is None:
        return get_plan_for_user(reader.user, plan_id, action)
    plan_pk = as_id(plan_id)
    plan = readable_plans(reader).filter(pk=plan_pk).first() if plan_pk is not None else None
    if plan is None:
        raise deny(reader.user, action, plan=as_id(plan_id), reason="not the patient's own plan")
    if action is not PlanAction.VIEW:  # a patient reads their plan; the team changes it
        deny(reader.user, action, plan=plan, hide_existence=False, reason="patient")
        raise PermissionError(PATIENT_READS)
    return plan


def team_only(reader: Reader, plan: CarePlan, what: str) -> None:
    """Refuse a patient what only the team reads (team notes, alerts): 403, audited."""
    if reader.is_patient:
        deny(reader.user, PlanAction.VIEW, plan=plan, hide_existence=False, reason=what)
        raise PermissionError(TEAM_ONLY)


def sees_mental_health_results(reader: Reader, plan: CarePlan) -> bool:
    """Whether the reader may see the totals and answers of the mental-health
    questionnaires shared with ``plan``: a patient their own; a member as the policy says
    (``PlanAction.VIEW_MENTAL_HEALTH_RESULTS``), as on the team's plan page."""
    return reader.is_patient or may(reader.user, PlanAction.VIEW_MENTAL_HEALTH_RESULTS, plan)


def mental_health_result_plans(reader: Reader) -> QuerySet[CarePlan]:
    """The plans through which a member may see them (a subquery for lists of results)."""
    return plans_where(reader.user, PlanAction.VIEW_MENTAL_HEALTH_RESULTS)


def readable_goals(reader: Reader, plan: CarePlan) -> QuerySet[Goal]:
    if reader.is_patient:
        return visible_goals(plan)
    return Goal.objects.filter(section__plan=plan).select_related("section")


def readable_activities(reader: Reader, plan: CarePlan) -> QuerySet[Activity]:
    if reader.is_patient:
        return visible_activities(plan)
    return Activity.objects.filter(section__plan=plan).select_related("section")


def readable_precautions(plan: CarePlan) -> QuerySet[Precaution]:
    """The plan's precautions: the patient reads them all, as on /my/."""
    return precautions(plan)


def record_read(
    reader: Reader, plan: CarePlan, *, what: str, obj: models.Model | None = None
) -> None:
    """Audit one answered read of ``plan`` (or of ``obj`` in it)."""
    if reader.is_patient:
        record_view(reader.user, obj or plan, what, plan=plan)
    elif obj is None:
        record_plan_view(plan, reader.user, what=what)
    else:
        record_view(reader.user, obj, what, plan=plan)


def record_listing(reader: Reader, plans: Iterable[CarePlan]) -> None:
    """Audit a list of plans as one event naming them."""
    record_event(
        reader.user,
        AuditAction.VIEWED,
        reader.patient,
        patient=reader.patient,
        detail={"what": API_LISTING, "plans": [plan.pk for plan in plans]},
    )


MAX_ID = 2**63  # beyond any row: the database's bigint would overflow


def as_id(value: Any) -> int | None:
    """The number in an id ("12"), or None when it cannot name a row (so: not found)."""
    text = str(value).strip() if value is not None else ""
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number < MAX_ID else None
