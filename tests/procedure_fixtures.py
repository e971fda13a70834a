"""A procedure done on the portal world's plan, with a follow-up the patient can answer now
(for tables of pages that need a ``follow_up_id``)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from careteam.models import ActivityKind, ActivityStatus, CarePlan, Discipline, Procedure
from careteam.services import create_activity
from patientportal.models import ProcedureFollowUp
from tests.patient_fixtures import PortalWorld


def due_follow_up(portal: PortalWorld, plan: CarePlan | None = None) -> ProcedureFollowUp:
    """The plan's open follow-up due today (the portal world's own plan unless another is
    given): a diagnostic block done yesterday is asked about yesterday and today (made
    through the services the first time)."""
    plan = plan or portal.plan
    today = timezone.localdate()
    found = (
        ProcedureFollowUp.objects.filter(plan=plan, due_on=today).open().order_by("pk")
    ).first()
    if found is not None:
        return found
    create_activity(
        plan.sections.get(discipline=Discipline.PAIN_MANAGEMENT),
        portal.lead,
        kind=ActivityKind.PROCEDURE,
        title="Diagnostic block, right L4-5",
        procedure=Procedure.DIAGNOSTIC_BLOCK,
        status=ActivityStatus.COMPLETED,
        done_on=today - datetime.timedelta(days=1),
    )
    return ProcedureFollowUp.objects.get(plan=plan, due_on=today, cancelled_at=None)
