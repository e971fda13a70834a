"""CareTeam: the plan's current team (``CareTeam/<plan id>``).

``status`` (care-team-status, required) follows the plan's status (``codes.CARE_TEAM_STATUS``).
Each member is a participant whose ``role`` is a SNOMED CT occupation for their role on
the team (or, for a contributor, for their discipline where we have one) beside the
clinic's own role code; ``member`` names them (we serve no Practitioner resources, so the
reference is a display only). Members who left the team are not listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from careteam.models import CarePlan, CareTeamMembership, TeamRole

from .codes import (
    CARE_TEAM_STATUS,
    DISCIPLINE_OCCUPATIONS,
    ROLE_OCCUPATIONS,
    TEAM_ROLE_SYSTEM,
    local,
)
from .references import instant, patient_reference, reference, without_empty


def _role(membership: CareTeamMembership) -> dict[str, Any]:
    role = TeamRole(membership.role)
    provider = getattr(membership.user, "provider_profile", None)
    occupation = ROLE_OCCUPATIONS.get(role) or (
        DISCIPLINE_OCCUPATIONS.get(provider.discipline) if provider else None
    )
    codings = [local(TEAM_ROLE_SYSTEM, role.value, role.label)]
    if occupation is not None:
        codings.insert(0, occupation.coding())
    return {"coding": codings, "text": role.label}


def participant(membership: CareTeamMembership) -> dict[str, Any]:
    """``membership.user.provider_profile`` must be loaded (select_related)."""
    provider = getattr(membership.user, "provider_profile", None)
    name = str(provider) if provider else membership.user.get_full_name()
    return {
        "role": [_role(membership)],
        "member": {"display": name or membership.user.get_username()},
        "period": {"start": instant(membership.joined_at)},
    }


def careteam_resource(plan: CarePlan, members: Iterable[CareTeamMembership]) -> dict[str, Any]:
    return without_empty(
        {
            "resourceType": "CareTeam",
            "id": str(plan.pk),
            "status": CARE_TEAM_STATUS[plan.status],
            "name": f"Care team: {plan.title}",
            "subject": patient_reference(plan.patient_id),
            "participant": [participant(membership) for membership in members],
        }
    )


def careteam_reference(plan: CarePlan) -> dict[str, str]:
    return reference("CareTeam", plan.pk)
