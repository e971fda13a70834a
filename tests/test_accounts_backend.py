"""The account backend: Django's model permissions (own, through groups, superuser) in one
query, and the user read with the profiles the navigation asks about."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import AccountBackend
from careteam.models import Discipline
from core.areas import user_areas
from tests.careteam_domain_fixtures import make_provider, make_user

pytestmark = pytest.mark.django_db


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename, content_type__app_label="wagtailadmin")


def test_permissions_held_directly_and_through_a_group_are_read_in_one_query(db):
    user = make_user("editor.one")
    user.user_permissions.add(permission("access_admin"))
    group = Group.objects.create(name="Reviewers of things")
    group.permissions.add(Permission.objects.get(codename="add_careplan"))
    user.groups.add(group)
    user = AccountBackend().get_user(user.pk)
    with CaptureQueriesContext(connection) as captured:
        held = AccountBackend().get_all_permissions(user)
        assert user.has_perm("wagtailadmin.access_admin")
        assert user.has_perm("careteam.add_careplan")
    assert len(captured) == 1
    assert {"wagtailadmin.access_admin", "careteam.add_careplan"} <= held
    assert not user.has_perm("careteam.delete_careplan")


def test_a_superuser_holds_every_permission_and_a_switched_off_account_none(db):
    boss = get_user_model().objects.create_superuser("boss", password="x-test-pass-1")
    assert AccountBackend().get_all_permissions(boss) == {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    gone = make_user("gone.user", is_active=False)
    gone.user_permissions.add(permission("access_admin"))
    assert AccountBackend().get_all_permissions(gone) == set()


def test_the_navigation_asks_nothing_more_of_a_user_read_by_the_backend(db):
    provider = make_provider("nav.provider", Discipline.PHYSICAL_THERAPY)
    user = AccountBackend().get_user(provider.pk)
    with CaptureQueriesContext(connection) as captured:
        names = [area.name for area in user_areas(user)]
    assert "careteam" in names and "patientportal" not in names
    permission_checks = [query for query in captured if "auth_permission" in query["sql"]]
    assert len(captured) == len(permission_checks) <= 1


def test_a_switched_off_or_unknown_account_is_not_a_user(db):
    gone = make_user("gone.again", is_active=False)
    assert AccountBackend().get_user(gone.pk) is None
    assert AccountBackend().get_user(10**9) is None


def test_the_admin_permission_the_navigation_asks_about_is_read_with_the_user(db):
    editor = make_user("editor.two")
    group = Group.objects.create(name="Editors of things")
    group.permissions.add(permission("access_admin"))
    editor.groups.add(group)
    user = AccountBackend().get_user(editor.pk)
    with CaptureQueriesContext(connection) as captured:
        assert user.has_perm("wagtailadmin.access_admin")
    assert len(captured) == 0
    editor.groups.remove(group)
    assert not AccountBackend().get_user(editor.pk).has_perm("wagtailadmin.access_admin")
    plain = AccountBackend().get_user(make_user("plain.user").pk)
    assert not plain.has_perm("wagtailadmin.access_admin")
