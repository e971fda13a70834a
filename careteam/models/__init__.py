from .emergency import EmergencyAccess
from .grants import CarePlanGroupObjectPermission, CarePlanUserObjectPermission
from .notes import PrivateNote, TeamNote
from .people import Discipline, Patient, Provider
from .plans import HOLDS_FLARE_PLAN, CarePlan, CarePlanStatus, Precaution
from .sections import (
    FINISHED_ACTIVITY_STATUSES,
    GOAL_STATUSES_KEPT_FROM_PATIENT,
    Activity,
    ActivityKind,
    ActivityStatus,
    Goal,
    GoalAchievementStatus,
    GoalLifecycleStatus,
    PlanSection,
    Procedure,
)
from .team import CareTeamMembership, TeamRole

__all__ = [
    "FINISHED_ACTIVITY_STATUSES",
    "GOAL_STATUSES_KEPT_FROM_PATIENT",
    "Activity",
    "ActivityKind",
    "ActivityStatus",
    "HOLDS_FLARE_PLAN",
    "CarePlan",
    "CarePlanGroupObjectPermission",
    "CarePlanStatus",
    "CarePlanUserObjectPermission",
    "CareTeamMembership",
    "Discipline",
    "EmergencyAccess",
    "Goal",
    "GoalAchievementStatus",
    "GoalLifecycleStatus",
    "Patient",
    "PlanSection",
    "Procedure",
    "Precaution",
    "PrivateNote",
    "Provider",
    "TeamNote",
    "TeamRole",
]
