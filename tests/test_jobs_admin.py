"""Failed tasks (dead letters) are listed in the Wagtail admin, under Settings, for staff
allowed to see them; nobody adds or edits one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from jobs.models import DeadLetter
from tests.careteam_domain_fixtures import make_user
from tests.jobs_tasks import fail_with_a_bug

pytestmark = pytest.mark.django_db

INDEX = "failed_tasks:index"


def admin_login(username: str, *permissions: tuple[str, str]) -> Client:
    user = make_user(username)
    wanted = [("wagtailadmin", "access_admin"), *permissions]
    for app_label, codename in wanted:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dead_letter() -> DeadLetter:
    result = fail_with_a_bug.enqueue()
    return DeadLetter.objects.get(task_result_id=result.id)


def test_staff_allowed_to_see_failed_tasks_find_each_with_its_last_error(dead_letter):
    client = admin_login("t.oncall", ("jobs", "view_deadletter"))

    listing = client.get(reverse(INDEX))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "fail_with_a_bug" in html and "builtins.ValueError" in html
    assert "Failed tasks" in client.get(reverse("wagtailadmin_home")).content.decode()

    detail = client.get(reverse("failed_tasks:inspect", args=[dead_letter.pk]))
    assert detail.status_code == 200
    assert "a bug, not a passing fault" in detail.content.decode()


def test_an_editor_without_the_permission_neither_sees_nor_opens_them(dead_letter):
    client = admin_login("t.editor")

    assert "Failed tasks" not in client.get(reverse("wagtailadmin_home")).content.decode()
    for url in (reverse(INDEX), reverse("failed_tasks:inspect", args=[dead_letter.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_home")


def test_nobody_adds_or_edits_a_failed_task_not_even_a_superuser(dead_letter):
    client = Client()
    client.force_login(make_user("t.root", is_superuser=True))

    assert client.get(reverse("failed_tasks:add")).status_code == 302
    edit = reverse("failed_tasks:edit", args=[dead_letter.pk])
    assert client.post(edit, {}).status_code == 302
    assert client.get(reverse(INDEX)).status_code == 200


def test_one_dealt_with_is_deleted_by_whoever_may_delete_them(dead_letter):
    client = admin_login("t.oncall", ("jobs", "view_deadletter"), ("jobs", "delete_deadletter"))

    response = client.post(reverse("failed_tasks:delete", args=[dead_letter.pk]))

    assert response.status_code == 302
    assert not DeadLetter.objects.exists()
