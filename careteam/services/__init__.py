"""Care-team services, shared by the web UI and a future API.

Every function takes the acting user, asks ``careteam.policy`` whether they may, raises
``CareAccessDenied`` (recorded as 'denied') when they may not, and records what it did in
the audit trail. Other apps' writes about a plan or a patient use the same gates:
``require`` / ``change_guarded`` (plan level) and ``require_patient_action`` /
``patient_action_guarded`` (patient level), re-checked under the membership row lock.
Edits take the version the user saw and raise ``StaleVersionError`` instead of
overwriting someone else's change.
"""

from ._common import (
    change_guarded,
    create_audited,
    deny,
    patient_action_guarded,
    require,
    require_patient_action,
    touch_plan,
    update_versioned,
)
from .emergency import (
    emergency_plan,
    emergency_plans_for,
    end_emergency_access,
    open_emergency_access,
    review_emergency_access,
)
from .errors import CareAccessDenied, StaleVersionError
from .history import (
    SinceLastVisit,
    plan_audit_trail,
    plan_history,
    plan_page_history,
)
from .notes import (
    add_private_note,
    add_team_note,
    list_private_notes,
    list_team_notes,
    readable_notes,
)
from .people import create_patient, create_provider, find_provider_user, update_patient
from .plans import (
    add_precaution,
    add_section,
    create_care_plan,
    delete_precaution,
    get_plan_for_user,
    patient_for_new_plan,
    plan_precautions,
    record_plan_view,
    update_plan,
    update_precaution,
)
from .sections import (
    create_activity,
    create_goal,
    delete_activity,
    delete_goal,
    update_activity,
    update_goal,
)
from .team import add_member, current_team, hand_over_lead, remove_member

__all__ = [
    "deny",
    "CareAccessDenied",
    "SinceLastVisit",
    "StaleVersionError",
    "add_member",
    "add_precaution",
    "add_private_note",
    "add_section",
    "add_team_note",
    "change_guarded",
    "create_audited",
    "create_activity",
    "create_care_plan",
    "create_goal",
    "create_patient",
    "create_provider",
    "current_team",
    "delete_activity",
    "delete_goal",
    "delete_precaution",
    "emergency_plan",
    "emergency_plans_for",
    "end_emergency_access",
    "find_provider_user",
    "get_plan_for_user",
    "hand_over_lead",
    "list_private_notes",
    "list_team_notes",
    "open_emergency_access",
    "patient_action_guarded",
    "patient_for_new_plan",
    "plan_audit_trail",
    "plan_history",
    "plan_page_history",
    "plan_precautions",
    "readable_notes",
    "record_plan_view",
    "remove_member",
    "review_emergency_access",
    "require",
    "require_patient_action",
    "update_activity",
    "update_goal",
    "update_patient",
    "update_plan",
    "touch_plan",
    "update_versioned",
    "update_precaution",
]
