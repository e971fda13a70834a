"""The rulebook: who may do what to a care plan, to a patient, and in the clinic.

Every rule about care plans lives here, and nowhere else. An action has one name (what a
refusal is audited as), the level it belongs to, the roles that may take it, and the one
sentence a refused user reads. Three levels:

- **Plan** (``PlanAction``): on one plan, from the user's role on its team. Roles hold
  grants (``ROLE_GRANTS``: guardian object permissions, granted on joining a team and
  revoked on leaving); each action needs one grant (``PLAN_RULES``). Editing goals and
  activities is bound to a section: the lead edits every section, the physical therapist
  and the mental-health professional their own discipline's (``ROLE_SECTION_DISCIPLINE``);
  physical-therapy work outside the section (the home exercise programme) follows the same
  rule for the physical therapy section (``PHYSICAL_THERAPY_ACTIONS``).
- **Patient** (``PatientAction``): things that belong to the patient, not to any one plan
  (their shared details, their portal login, the start of another plan), decided from the
  roles the user holds on the patient's open plans.
- **Clinic** (``ClinicAction``): opening the provider pages at all (providers only), the
  model-level right to register patients and start plans, and the right to open a plan in
  an emergency ("break the glass"), both for pain-management physicians; and the clinic's
  red-flag alert list, for providers in the "On call" group (``ON_CALL_GROUP``).

Emergency access: a pain-management physician who is not on a plan's team may open an open
plan for a bounded time after giving a reason (``may_open_emergency_access``;
``careteam.services.emergency``). While the grant is active and unexpired
(``EmergencyAccess.objects.active()``, so expiry needs no job) their rights on that plan
hold the pseudo-grant ``EMERGENCY_VIEW``, which allows ``EMERGENCY_ACTIONS`` (viewing) and
nothing else: ``rights_on``, ``PlanRights`` and ``plans_where`` all see it, and only look
for it when the user holds no view grant, so team members pay no query for it. Who may end
or review a grant is ``EmergencyAction``.

Use:

- ``may(user, action, plan, section=...)`` for a single check (a link or a button);
- ``PlanRights(user, plans)`` once per request when a page shows many plans, then
  ``rights.on(plan).allows(action)``: no further queries;
- ``rights_on(user, plan, with_role=True)`` once per request for a page about one plan,
  then ``rights.allows_on(plan, action, section)``: a section must belong to the plan
  (``may`` and ``PlanRights.allows`` ask the same);
- ``rights_on(user, plan, lock=True)`` inside a write's transaction: re-read with the
  user's membership row locked, so a removal from the team cannot slip in between;
- ``may_act_on_patient(user, action, patient, lock=...)`` and ``may_start_plan_for`` for
  the patient level; ``is_patient_of(user, plan)`` for a patient's own plan (their
  messages); ``may_open_provider_pages(user)``, ``may_register_patients(user)``,
  ``may_break_the_glass(user)`` and ``may_view_clinic_alerts(user)`` for the clinic level;
- ``may_open_emergency_access(user, plan)``, ``may_end_emergency_access(user, grant)`` and
  ``may_review_emergency_access(user, grant)`` for emergency grants;
- ``plans_where(user, action)`` for a list of plans.

Services turn a refusal into ``CareAccessDenied`` with ``refusal(action)``
(``careteam.services.require``, ``change_guarded``, ``require_patient_action``,
``patient_action_guarded``); views turn that into 404 or 403 and never state a rule. A user
who may not see the plan gets 404 and never the sentence. Being staff or superuser adds
nothing.

The rules are split by concept, all imported from here: ``actions`` (the actions and
their sentences), ``plan`` (rights on a plan, roles and their grants), ``patient`` and
``clinic`` (with emergency grants).
"""

from ..grants import Actor, is_usable
from .actions import (
    PLAN_RULES,
    REGISTER_PATIENTS,
    ClinicAction,
    EmergencyAction,
    PatientAction,
    PlanAction,
    Rule,
    refusal,
)
from .clinic import (
    ON_CALL_GROUP,
    PLAN_CREATOR_DISCIPLINE,
    may_break_the_glass,
    may_end_emergency_access,
    may_open_emergency_access,
    may_open_provider_pages,
    may_register_patients,
    may_review_emergency_access,
    may_view_clinic_alerts,
)
from .patient import (
    PATIENT_ACTION_ROLES,
    cares_for,
    is_patient_of,
    may_act_on_patient,
    may_start_plan_for,
    patient_actions_allowed,
    patient_actions_for_plan,
    roles_on_patient,
    with_patient_roles,
    with_patient_roles_by_id,
)
from .plan import (
    EMERGENCY_ACTIONS,
    EMERGENCY_VIEW,
    OPEN_PLAN_STATUSES,
    ROLE_GRANTS,
    ROLE_REQUIRED_DISCIPLINE,
    ROLE_SECTION_DISCIPLINE,
    PlanRights,
    Rights,
    active_emergency_access,
    may,
    needs_role,
    plans_where,
    rights_on,
    roles_allowed,
    schedule_questionnaire_action,
)

__all__ = [
    "ON_CALL_GROUP",
    "OPEN_PLAN_STATUSES",
    "PATIENT_ACTION_ROLES",
    "PLAN_CREATOR_DISCIPLINE",
    "PLAN_RULES",
    "EMERGENCY_ACTIONS",
    "EMERGENCY_VIEW",
    "REGISTER_PATIENTS",
    "ROLE_GRANTS",
    "ROLE_REQUIRED_DISCIPLINE",
    "ROLE_SECTION_DISCIPLINE",
    "Actor",
    "ClinicAction",
    "EmergencyAction",
    "PatientAction",
    "PlanAction",
    "PlanRights",
    "Rights",
    "Rule",
    "active_emergency_access",
    "cares_for",
    "is_patient_of",
    "is_usable",
    "may",
    "may_act_on_patient",
    "may_break_the_glass",
    "may_end_emergency_access",
    "may_open_emergency_access",
    "may_open_provider_pages",
    "may_register_patients",
    "may_review_emergency_access",
    "may_start_plan_for",
    "may_view_clinic_alerts",
    "patient_actions_allowed",
    "patient_actions_for_plan",
    "with_patient_roles",
    "with_patient_roles_by_id",
    "needs_role",
    "plans_where",
    "refusal",
    "rights_on",
    "roles_allowed",
    "roles_on_patient",
    "schedule_questionnaire_action",
]
