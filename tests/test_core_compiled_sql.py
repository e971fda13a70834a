"""Queries compiled once per process (core.compiled_sql) answer like the querysets they
were compiled from, for every user and time, and refuse a build whose SQL is not fixed."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from guardian.shortcuts import assign_perm

from audit.models import AuditEvent
from careteam.models import CarePlan, CareTeamMembership, TeamRole
from careteam.policy import PlanAction, plans_where
from careteam.services import add_member, open_emergency_access, record_plan_view
from careteam.services.history import PLAN_PAGE
from core.compiled_sql import CompiledQuery, CompiledRows
from tests.careteam_domain_fixtures import make_plan

REASON = "Covering the on-call rota while the lead is away this week."


def _led(user_id: int, *, at: datetime.datetime):
    return CarePlan.objects.filter(memberships__user_id=user_id, created_at__lt=at).values("pk")


def test_a_compiled_subquery_finds_each_users_own_rows(care_team):
    other = make_plan(care_team.spare_physician, "T-0002")
    led = CompiledQuery("plans joined", _led, at=True)
    assert list(CarePlan.objects.filter(pk__in=led.sql(care_team.lead.pk))) == [care_team.plan]
    assert list(CarePlan.objects.filter(pk__in=led.sql(care_team.spare_physician.pk))) == [other]
    before = care_team.plan.created_at - datetime.timedelta(seconds=1)
    assert not CarePlan.objects.filter(pk__in=led.sql(care_team.lead.pk, at=before)).exists()


def test_a_build_whose_sql_changes_with_the_user_is_refused(db):
    def by_parity(user_id: int):
        rows = CarePlan.objects.values("pk")
        return rows.filter(pk=user_id) if user_id % 2 else rows.filter(Q(pk=user_id) | Q(pk=0))

    with pytest.raises(ValueError, match="more than its ids and time"):
        CompiledQuery("by parity", by_parity).sql(1)


def test_a_build_with_a_value_of_its_own_that_changes_is_refused(db):
    def counted(user_id: int):
        counted.calls += 1
        return CarePlan.objects.filter(pk=user_id, version=counted.calls).values("pk")

    counted.calls = 0
    with pytest.raises(ValueError, match="more than its ids and time"):
        CompiledQuery("counted", counted).sql(1)


def test_plans_where_matches_each_users_grants_after_they_change(care_team):
    assert list(plans_where(care_team.physio)) == [care_team.plan]
    assert list(plans_where(care_team.mental_health, PlanAction.PRIVATE_NOTES)) == [care_team.plan]
    assert not plans_where(care_team.physio, PlanAction.PRIVATE_NOTES).exists()
    assert not plans_where(care_team.outsider).exists()
    # A grant through a group counts, and a new member's plans show at once.
    reviewers = Group.objects.create(name="Case reviewers")
    care_team.outsider.groups.add(reviewers)
    assign_perm("careteam.view_careplan", reviewers, care_team.plan)
    assert list(plans_where(care_team.outsider)) == [care_team.plan]
    other = make_plan(care_team.spare_physician, "T-0003")
    add_member(other, care_team.spare_physician, care_team.physio, TeamRole.PHYSICAL_THERAPY)
    assert set(plans_where(care_team.physio)) == {care_team.plan, other}


def test_plans_where_counts_an_emergency_access_only_while_it_lasts(care_team):
    other = make_plan(care_team.spare_physician, "T-0004")
    grant = open_emergency_access(care_team.lead, other, REASON)
    assert set(plans_where(care_team.lead)) == {care_team.plan, other}
    assert set(plans_where(care_team.lead, PlanAction.READ_MESSAGES)) == {care_team.plan, other}
    assert list(plans_where(care_team.lead, PlanAction.MANAGE_TEAM)) == [care_team.plan]
    # Expired, it no longer counts, with no job to end it.
    type(grant).objects.filter(pk=grant.pk).update(expires_at=timezone.now())
    assert list(plans_where(care_team.lead)) == [care_team.plan]


def test_a_subquery_by_two_ids_with_a_json_lookup_fills_each_in_its_place(care_team):
    def visits(plan_id: int, user_id: int):
        return AuditEvent.objects.filter(
            care_plan_id=plan_id, actor_id=user_id, detail__what=PLAN_PAGE
        ).values("pk")

    lead_visit = record_plan_view(care_team.plan, care_team.lead)
    physio_visit = record_plan_view(care_team.plan, care_team.physio)
    compiled = CompiledQuery("visits", visits, ids=2)
    by = {
        user: list(AuditEvent.objects.filter(pk__in=compiled.sql(care_team.plan.pk, user.pk)))
        for user in (care_team.lead, care_team.physio, care_team.outsider)
    }
    assert by == {
        care_team.lead: [lead_visit],
        care_team.physio: [physio_visit],
        care_team.outsider: [],
    }
    with pytest.raises(TypeError, match="takes 2 ids"):
        compiled.sql(care_team.plan.pk)


def _team(plan_id: int):
    return (
        CareTeamMembership.objects.filter(plan_id=plan_id)
        .select_related("user", "user__provider_profile")
        .annotate(grants=Count("user__careplanuserobjectpermission"))
        .prefetch_related("user__groups")
        .order_by("joined_at", "pk")
    )


def test_compiled_rows_are_the_querysets_own_objects_with_related_rows_and_annotations(care_team):
    other = make_plan(care_team.spare_physician, "T-0005")
    team = CompiledRows("a team", _team)
    for plan in (care_team.plan, other):
        expected = list(_team(plan.pk))
        rows = team.rows(plan.pk)
        assert rows == expected
        assert [row.grants for row in rows] == [row.grants for row in expected]
    # select_related and prefetch_related came with the rows: reading them asks nothing.
    rows = team.rows(care_team.plan.pk)
    with CaptureQueriesContext(connection) as reads:
        names = [(row.user.username, row.user.provider_profile.discipline) for row in rows]
        groups = [list(row.user.groups.all()) for row in rows]
    assert len(reads) == 0
    assert names[0] == (care_team.lead.username, care_team.lead.provider_profile.discipline)
    assert groups == [list(row.user.groups.all()) for row in _team(care_team.plan.pk)]
    assert team.rows(10**9) == []


def test_compiled_rows_answer_values_and_unions_by_two_ids_and_the_time(care_team):
    def joined(plan_id: int, user_id: int, *, at: datetime.datetime):
        mine = CareTeamMembership.objects.filter(plan_id=plan_id, user_id=user_id).order_by()
        return (
            mine.filter(joined_at__lt=at)
            .values_list("role", flat=True)
            .union(
                mine.filter(joined_at__lt=at, left_at__isnull=True).values_list("role", flat=True)
            )
        )

    compiled = CompiledRows("roles joined", joined, ids=2, at=True)
    plan = care_team.plan
    assert compiled.rows(plan.pk, care_team.physio.pk) == [TeamRole.PHYSICAL_THERAPY]
    assert compiled.rows(plan.pk, care_team.lead.pk) == [TeamRole.LEAD]
    assert compiled.rows(plan.pk, care_team.outsider.pk) == []
    before = plan.created_at - datetime.timedelta(seconds=1)
    assert compiled.rows(plan.pk, care_team.lead.pk, at=before) == []
    values = CompiledRows(
        "members by role",
        lambda plan_id: (
            CareTeamMembership.objects.filter(plan_id=plan_id)
            .values("role")
            .annotate(count=Count("pk"))
            .order_by("role")
        ),
    )
    assert values.rows(plan.pk) == list(
        CareTeamMembership.objects.filter(plan=plan)
        .values("role")
        .annotate(count=Count("pk"))
        .order_by("role")
    )


def test_compiled_rows_refuse_a_build_whose_sql_changes_with_the_ids(db):
    def by_parity(plan_id: int):
        rows = CarePlan.objects.all()
        return rows.filter(pk=plan_id) if plan_id % 2 else rows.filter(Q(pk=plan_id) | Q(pk=0))

    with pytest.raises(ValueError, match="more than its ids and time"):
        CompiledRows("by parity", by_parity).rows(1)


def test_compiled_rows_refuse_a_build_from_a_related_manager(care_team):
    def sections(plan_id: int):
        return CarePlan(pk=plan_id).sections.all()

    with pytest.raises(ValueError, match="not a related one"):
        CompiledRows("sections", sections).rows(care_team.plan.pk)
