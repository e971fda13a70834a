"""The role table at the level of grants and policy decisions, and the queries it costs."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from careteam.grants import (
    ALL_PLAN_GRANTS,
    PlanGrants,
    can_create_plans,
    perms_on,
    plans_for_user,
    user_can,
)
from careteam.models import (
    CarePlan,
    CarePlanGroupObjectPermission,
    CarePlanUserObjectPermission,
    Discipline,
    PrivateNote,
    TeamRole,
)
from careteam.policy import ROLE_GRANTS, PlanAction, PlanRights, may, rights_on
from careteam.services import (
    CareAccessDenied,
    add_member,
    change_guarded,
    list_private_notes,
    list_team_notes,
    plan_history,
    record_plan_view,
    require,
)
from careteam.views.authorization import PlanAccess, load_plan
from tests.careteam_domain_fixtures import make_plan, make_provider, make_user

ROLES = (TeamRole.LEAD, TeamRole.PHYSICAL_THERAPY, TeamRole.MENTAL_HEALTH, TeamRole.CONTRIBUTOR)

# Written out from the clinic's role table, independently of ROLE_GRANTS.
MATRIX = {
    "view_careplan": {"lead", "physical_therapy", "mental_health", "contributor"},
    "change_careplan": {"lead"},
    "edit_all_sections": {"lead"},
    "edit_own_section": {"physical_therapy", "mental_health"},
    "add_teamnote": {"lead", "physical_therapy", "mental_health", "contributor"},
    "access_private_notes": {"mental_health"},
    "manage_team": {"lead"},
    "view_audit_trail": {"lead"},
}

# Which roles may edit goals/activities of each discipline's section.
SECTION_MATRIX = {
    Discipline.PAIN_MANAGEMENT: {"lead"},
    Discipline.PHYSICAL_THERAPY: {"lead", "physical_therapy"},
    Discipline.MENTAL_HEALTH: {"lead", "mental_health"},
}


def test_role_grants_match_the_clinic_matrix():
    assert set(MATRIX) == set(ALL_PLAN_GRANTS)
    for perm, roles in MATRIX.items():
        assert {role for role in ROLES if perm in ROLE_GRANTS[role]} == roles, perm


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("perm", sorted(MATRIX))
def test_each_role_holds_exactly_its_object_permissions(care_team, role, perm):
    user = care_team.by_role(role)
    assert user_can(user, perm, care_team.plan) is (role in MATRIX[perm])
    assert user_can(user, f"careteam.{perm}", care_team.plan) is (role in MATRIX[perm])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("discipline", sorted(SECTION_MATRIX))
def test_section_editing_follows_discipline(care_team, role, discipline):
    user = care_team.by_role(role)
    section = care_team.section(discipline)
    expected = role in SECTION_MATRIX[discipline]
    assert may(user, PlanAction.EDIT_SECTION, care_team.plan, section=section) is expected
    rights = PlanRights(user, [care_team.plan])
    assert rights.allows(care_team.plan, PlanAction.EDIT_SECTION, section) is expected
    assert rights.on(care_team.plan).role == role


def test_a_section_of_another_plan_allows_nothing_however_the_policy_is_asked(care_team):
    lead, plan, edit = care_team.lead, care_team.plan, PlanAction.EDIT_SECTION
    own = care_team.section(Discipline.PAIN_MANAGEMENT)
    # The lead edits every section of both plans: only the plan the section is on refuses.
    elsewhere = make_plan(lead, "T-0002").sections.get(discipline=Discipline.PAIN_MANAGEMENT)
    rights = rights_on(lead, plan, with_role=True)
    ways = {
        "may": lambda section: may(lead, edit, plan, section=section),
        "PlanRights": lambda section: PlanRights(lead, [plan]).allows(plan, edit, section),
        "Rights": lambda section: rights.allows_on(plan, edit, section),
        "PlanAccess": lambda section: PlanAccess(plan, rights).allows(edit, section),
        "require": lambda section: allowed_by(lambda: require(lead, edit, plan, section=section)),
        "change_guarded": lambda section: allowed_by(lambda: guarded(lead, plan, section)),
    }
    for name, allows in ways.items():
        assert allows(own), name
        assert not allows(elsewhere), name


def allowed_by(check) -> bool:
    """Whether a service gate lets the call through (False: it refused, recorded)."""
    try:
        check()
    except CareAccessDenied:
        return False
    return True


def guarded(actor, plan, section) -> None:
    with change_guarded(actor, PlanAction.EDIT_SECTION, plan, section=section):
        pass


def test_the_view_gate_reads_rights_and_role_as_the_policy_does(care_team, rf):
    request = rf.get("/")
    request.user = care_team.physio
    access = load_plan(request, care_team.plan.pk)
    assert access.rights == rights_on(care_team.physio, care_team.plan, with_role=True)
    assert access.role == TeamRole.PHYSICAL_THERAPY
    assert access.allows(PlanAction.EDIT_SECTION, care_team.section(Discipline.PHYSICAL_THERAPY))
    assert not access.allows(PlanAction.EDIT_SECTION, care_team.section(Discipline.MENTAL_HEALTH))


def test_outsiders_hold_nothing(care_team):
    for user in (care_team.outsider, care_team.spare_physician, make_user("someone")):
        assert perms_on(user, care_team.plan) == frozenset()
        assert not plans_for_user(user).exists()
        assert not PlanGrants(user, [care_team.plan]).perms(care_team.plan)


def test_anonymous_and_inactive_users_hold_nothing(care_team):
    assert not plans_for_user(AnonymousUser()).exists()
    assert not user_can(AnonymousUser(), "view_careplan", care_team.plan)
    care_team.physio.is_active = False
    care_team.physio.save()
    assert not user_can(care_team.physio, "view_careplan", care_team.plan)
    assert not plans_for_user(care_team.physio).exists()


def test_superuser_and_model_level_permission_do_not_open_plans(care_team):
    admin = make_user("root", is_superuser=True, is_staff=True)
    admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="careteam", codename="view_careplan")
    )
    admin = type(admin).objects.get(pk=admin.pk)
    assert admin.has_perm("careteam.view_careplan")  # Django's own check says yes...
    assert not plans_for_user(admin).exists()  # ...ours does not.
    assert not user_can(admin, "view_careplan", care_team.plan)
    assert not PlanGrants(admin, [care_team.plan]).has(care_team.plan, "view_careplan")
    assert not can_create_plans(admin)


def test_superuser_on_a_team_gets_exactly_their_role(care_team):
    admin = make_provider("root.physio", Discipline.PHYSICAL_THERAPY, is_superuser=True)
    add_member(care_team.plan, care_team.lead, admin, TeamRole.PHYSICAL_THERAPY)
    assert user_can(admin, "view_careplan", care_team.plan)
    assert not user_can(admin, "change_careplan", care_team.plan)
    assert perms_on(admin, care_team.plan) == ROLE_GRANTS[TeamRole.PHYSICAL_THERAPY]


def test_plans_for_user_filters_by_permission(care_team):
    other = make_plan(care_team.spare_physician, "T-0002")
    assert list(plans_for_user(care_team.lead)) == [care_team.plan]
    assert list(plans_for_user(care_team.spare_physician)) == [other]
    assert list(plans_for_user(care_team.mental_health, "access_private_notes")) == [care_team.plan]
    assert not plans_for_user(care_team.lead, "careteam.access_private_notes").exists()


def test_only_pain_management_providers_may_create_plans(db):
    assert can_create_plans(make_provider("doc", Discipline.PAIN_MANAGEMENT))
    assert not can_create_plans(make_provider("pt", Discipline.PHYSICAL_THERAPY))
    assert not can_create_plans(make_user("editor"))


def _plans_led_by(lead, count, offset):
    return [make_plan(lead, f"Q-{offset + index}") for index in range(count)]


def _query_counts(user):
    with CaptureQueriesContext(connection) as listed:
        plan_list = list(plans_for_user(user).select_related("patient"))
    with CaptureQueriesContext(connection) as checked:
        permissions = PlanGrants(user, plan_list)
        for plan in plan_list:
            permissions.has(plan, "change_careplan")
            permissions.role(plan)
            _ = plan.patient.full_name
    return len(plan_list), len(listed), len(checked)


def test_listing_and_checking_plans_costs_the_same_for_2_or_20(db):
    few_lead = make_provider("few", Discipline.PAIN_MANAGEMENT)
    many_lead = make_provider("many", Discipline.PAIN_MANAGEMENT)
    _plans_led_by(few_lead, 2, 0)
    _plans_led_by(many_lead, 20, 100)
    few = _query_counts(few_lead)
    many = _query_counts(many_lead)
    assert (few[0], many[0]) == (2, 20)
    assert few[1:] == many[1:]
    assert few[1] == 1  # one query lists the plans with their patients
    assert few[2] == 3  # user grants, group grants, roles


def test_plan_rights_answer_without_queries_once_built(care_team, django_assert_num_queries):
    section = care_team.section(Discipline.MENTAL_HEALTH)
    rights = PlanRights(care_team.physio, [care_team.plan])
    with django_assert_num_queries(0):
        assert rights.allows(care_team.plan, PlanAction.VIEW)
        assert not rights.allows(care_team.plan, PlanAction.MANAGE_TEAM)
        assert not rights.allows(care_team.plan, PlanAction.EDIT_SECTION, section)


def test_guardian_uses_the_direct_foreign_key_tables(care_team):
    assert get_user_obj_perms_model(CarePlan) is CarePlanUserObjectPermission
    assert get_group_obj_perms_model(CarePlan) is CarePlanGroupObjectPermission
    assert CarePlanUserObjectPermission.objects.filter(
        user=care_team.physio, content_object=care_team.plan
    ).count() == len(ROLE_GRANTS[TeamRole.PHYSICAL_THERAPY])

    # A group grant counts like a user grant, in every helper.
    reviewers = Group.objects.create(name="Case reviewers")
    care_team.outsider.groups.add(reviewers)
    assign_perm("careteam.view_careplan", reviewers, care_team.plan)
    assert CarePlanGroupObjectPermission.objects.filter(group=reviewers).count() == 1
    assert list(plans_for_user(care_team.outsider)) == [care_team.plan]
    assert user_can(care_team.outsider, "view_careplan", care_team.plan)
    assert PlanGrants(care_team.outsider, [care_team.plan]).has(care_team.plan, "view_careplan")


def test_reads_given_known_permissions_skip_the_check_queries_but_still_refuse(
    care_team, django_assert_num_queries
):
    plan, physio = care_team.plan, care_team.physio
    known = PlanGrants(physio, [plan]).perms(plan)
    ContentType.objects.get_for_model(PrivateNote)  # cached for the process after this
    with django_assert_num_queries(1):  # the audit record only
        record_plan_view(plan, physio, known_perms=known)
    with django_assert_num_queries(0):
        list_team_notes(plan, physio, known_perms=known)
        plan_history(plan, physio, known_perms=known)
    with pytest.raises(CareAccessDenied) as refused:
        list_private_notes(plan, physio, known_perms=known)
    assert refused.value.status_code == 403
    with pytest.raises(CareAccessDenied) as hidden:
        record_plan_view(plan, care_team.outsider, known_perms=frozenset())
    assert hidden.value.status_code == 404
